"""`DELETE /v1/contact/{id}`: soft delete (the contact keeps its identity and is hidden everywhere)."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from tests.vendors.esputnik.helpers import BASE, stored_contact

pytestmark = pytest.mark.django_db


def test_the_contact_is_soft_deleted(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com", external_id="E1")

    response = client.delete(f"{BASE}/contact/{contact_id}")

    assert response.status_code == 200
    assert response.json() == {"id": contact_id, "action": "deleted"}
    contact = Contact.objects.get(pk=contact_id)
    assert contact.deleted_at is not None
    assert (contact.email, contact.external_id, contact.last_source) == ("a@example.com", "E1", "esputnik")
    assert client.get(f"{BASE}/contact/{contact_id}").status_code == 404


def test_deleting_twice_is_a_404(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")
    client.delete(f"{BASE}/contact/{contact_id}")

    response = client.delete(f"{BASE}/contact/{contact_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("contact_id", ["999999", "abc"])
def test_an_unknown_id_is_a_404(client, contact_id):
    assert client.delete(f"{BASE}/contact/{contact_id}").status_code == 404


def test_another_workspaces_contact_is_a_404_and_stays(client, other_workspace):
    theirs = stored_contact(other_workspace, email="a@example.com")

    response = client.delete(f"{BASE}/contact/{theirs}")

    assert response.status_code == 404
    assert Contact.objects.get(pk=theirs).deleted_at is None


def test_a_read_only_key_is_a_403(read_only_client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    response = read_only_client.delete(f"{BASE}/contact/{contact_id}")

    assert response.status_code == 403
    assert Contact.objects.get(pk=contact_id).deleted_at is None


def test_dry_run_says_what_would_happen_and_deletes_nothing(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    response = client.delete(f"{BASE}/contact/{contact_id}?dry_run=true")
    unknown = client.delete(f"{BASE}/contact/999999?dry_run=true")

    assert response.json() == {"id": contact_id, "action": "deleted", "dryRun": True}
    assert Contact.objects.get(pk=contact_id).deleted_at is None
    assert unknown.status_code == 404


def test_an_idempotency_key_replays_the_stored_response(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")
    other_id = stored_contact(workspace, email="b@example.com")

    first = client.delete(f"{BASE}/contact/{contact_id}", HTTP_IDEMPOTENCY_KEY="d-1")
    replay = client.delete(f"{BASE}/contact/{contact_id}", HTTP_IDEMPOTENCY_KEY="d-1")
    reused = client.delete(f"{BASE}/contact/{other_id}", HTTP_IDEMPOTENCY_KEY="d-1")

    assert replay.status_code == first.status_code == 200  # a retry is not a 404
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert reused.status_code == 422
    assert Contact.objects.get(pk=other_id).deleted_at is None
