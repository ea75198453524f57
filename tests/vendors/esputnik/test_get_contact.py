"""`GET /v1/contact/{id}`: one contact by its numeric id."""

from __future__ import annotations

import pytest

from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from tests.vendors.esputnik.helpers import BASE, stored_contact

pytestmark = pytest.mark.django_db


def test_the_contact_in_the_request_shape(client, seed_storable, seed_fields):
    contact_id = client.post(f"{BASE}/contact", seed_storable, format="json").json()["id"]

    response = client.get(f"{BASE}/contact/{contact_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == contact_id
    assert body["externalCustomerId"] == "EM12790"
    assert [c["type"] for c in body["channels"]] == ["email", "sms", "webpush"]
    assert body["address"] == seed_storable["address"]


def test_what_get_returns_can_be_sent_back_unchanged(client, seed_storable, seed_fields):
    contact_id = client.post(f"{BASE}/contact", seed_storable, format="json").json()["id"]
    body = client.get(f"{BASE}/contact/{contact_id}").json()

    response = client.post(f"{BASE}/contact", body, format="json")

    assert response.json() == {"id": contact_id, "action": "updated"}
    assert client.get(f"{BASE}/contact/{contact_id}").json() == body


def test_columns_without_an_esputnik_key_are_fields(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com", company="Acme", gender="female")

    fields = client.get(f"{BASE}/contact/{contact_id}").json()["fields"]

    assert [(f["name"], f["value"]) for f in fields] == [("company", "Acme"), ("gender", "female")]
    assert all(isinstance(f["id"], int) for f in fields)


@pytest.mark.parametrize("contact_id", ["999999", "abc", "0", "9" * 30])
def test_an_unknown_id_is_a_404_in_the_envelope(client, contact_id):
    response = client.get(f"{BASE}/contact/{contact_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_deleted_contact_is_a_404(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")
    contacts_soft_delete(
        workspace_id=workspace.pk, contact_ids=[contact_id], source=IngestSource(name="test")
    )

    assert client.get(f"{BASE}/contact/{contact_id}").status_code == 404


def test_another_workspaces_contact_is_a_404(client, other_workspace):
    theirs = stored_contact(other_workspace, email="a@example.com")

    response = client.get(f"{BASE}/contact/{theirs}")

    assert response.status_code == 404
    assert "a@example.com" not in response.content.decode()


def test_a_read_only_key_may_read(read_only_client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    assert read_only_client.get(f"{BASE}/contact/{contact_id}").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_an_unknown_method_is_a_405_in_the_envelope(client, workspace, method):
    contact_id = stored_contact(workspace, email="a@example.com")

    response = getattr(client, method)(f"{BASE}/contact/{contact_id}", {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
