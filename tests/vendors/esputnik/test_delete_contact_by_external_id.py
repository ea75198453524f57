"""`DELETE /v1/contact?externalCustomerId=<id>&erase=true`: erase=true is GDPR erasure; without it, a soft
delete."""

from __future__ import annotations

import pytest

from apps.contacts.models import ChannelSubscription, Contact
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from apps.lists.models import ContactList, ListMembership
from tests.vendors.esputnik.helpers import BASE, stored_contact

pytestmark = pytest.mark.django_db
URL = f"{BASE}/contact"


def test_without_erase_the_contact_is_soft_deleted(client, workspace):
    contact_id = stored_contact(workspace, external_id="EM1", email="a@example.com")

    response = client.delete(URL + "?externalCustomerId=EM1")

    assert response.status_code == 200
    assert response.json() == {"id": contact_id, "action": "deleted"}
    assert Contact.objects.get(pk=contact_id).deleted_at is not None


def test_erase_removes_the_contact_and_everything_about_it(client, workspace, seed_storable):
    contact_id = client.post(URL, seed_storable, format="json").json()["id"]
    assert ChannelSubscription.objects.filter(contact_id=contact_id).exists()

    response = client.delete(URL + "?externalCustomerId=EM12790&erase=true")

    assert response.status_code == 200
    assert response.json() == {"id": contact_id, "action": "erased"}
    assert not Contact.objects.filter(pk=contact_id).exists()
    assert not ChannelSubscription.objects.exists()
    assert not ListMembership.objects.exists()
    assert ContactList.objects.count() == 1  # the list is not the contact's


def test_erase_reaches_a_soft_deleted_contact(client, workspace):
    contact_id = stored_contact(workspace, external_id="EM1", email="a@example.com")
    contacts_soft_delete(
        workspace_id=workspace.pk, contact_ids=[contact_id], source=IngestSource(name="test")
    )

    assert client.delete(URL + "?externalCustomerId=EM1").status_code == 404
    assert client.delete(URL + "?externalCustomerId=EM1&erase=true").status_code == 200
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("query", "paths"),
    [
        ("", ["externalCustomerId"]),
        ("?externalCustomerId=", ["externalCustomerId"]),
        ("?externalCustomerId=EM1&erase=perhaps", ["erase"]),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, workspace, query, paths):
    stored_contact(workspace, external_id="EM1")

    response = client.delete(URL + query)

    assert response.status_code == 400
    assert [d["path"] for d in response.json()["error"]["details"]] == paths
    assert Contact.objects.get().deleted_at is None


def test_an_unknown_external_id_is_a_404(client):
    response = client.delete(URL + "?externalCustomerId=nobody&erase=true")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_workspaces_contact_is_a_404_and_stays(client, other_workspace):
    theirs = stored_contact(other_workspace, external_id="EM1")

    assert client.delete(URL + "?externalCustomerId=EM1").status_code == 404
    assert client.delete(URL + "?externalCustomerId=EM1&erase=true").status_code == 404
    assert Contact.objects.get(pk=theirs).deleted_at is None


def test_a_read_only_key_is_a_403(read_only_client, workspace):
    stored_contact(workspace, external_id="EM1")

    response = read_only_client.delete(URL + "?externalCustomerId=EM1&erase=true")

    assert response.status_code == 403
    assert Contact.objects.exists()


@pytest.mark.parametrize(("erase", "action"), [("true", "erased"), ("false", "deleted")])
def test_dry_run_says_what_would_happen_and_removes_nothing(client, workspace, erase, action):
    contact_id = stored_contact(workspace, external_id="EM1")

    response = client.delete(URL + f"?externalCustomerId=EM1&erase={erase}&dry_run=true")

    assert response.json() == {"id": contact_id, "action": action, "dryRun": True}
    assert Contact.objects.get().deleted_at is None


def test_an_idempotency_key_replays_the_stored_response(client, workspace):
    contact_id = stored_contact(workspace, external_id="EM1")
    stored_contact(workspace, external_id="EM2")

    first = client.delete(URL + "?externalCustomerId=EM1&erase=true", HTTP_IDEMPOTENCY_KEY="e-1")
    replay = client.delete(URL + "?externalCustomerId=EM1&erase=true", HTTP_IDEMPOTENCY_KEY="e-1")
    reused = client.delete(URL + "?externalCustomerId=EM2&erase=true", HTTP_IDEMPOTENCY_KEY="e-1")

    assert first.json() == replay.json() == {"id": contact_id, "action": "erased"}
    assert replay["Idempotent-Replayed"] == "true"
    assert reused.status_code == 422
    assert Contact.objects.filter(external_id="EM2").exists()
