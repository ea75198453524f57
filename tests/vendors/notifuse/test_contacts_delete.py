"""POST /notifuse/api/contacts.delete: GDPR erasure of the contact and everything about it."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact, ContactChange
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from apps.lists.models import ListMembership
from apps.lists.services import list_create
from tests.vendors.notifuse.conftest import seed_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def delete(notifuse, workspace):
    def run(email, *, query: str = "", **headers):
        return notifuse.post(
            "contacts.delete", {"workspace_id": workspace.public_id, "email": email}, query=query, **headers
        )

    return run


@pytest.fixture
def member(notifuse, workspace):
    """The seed contact, subscribed to a list."""
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")
    notifuse.post("contacts.upsert", seed_upsert(workspace))
    body = {"workspace_id": workspace.public_id, "contact": {"email": "user@example.com"}}
    notifuse.post("lists.subscribe", {**body, "list_ids": [newsletter.public_id]})
    return Contact.objects.get(workspace=workspace, email="user@example.com")


def test_the_contact_and_everything_about_it_is_erased(delete, member, notifuse, workspace):
    response = delete(" USER@example.com\u00a0")

    assert (response.status_code, response.json()) == (200, {"success": True})
    assert not Contact.objects.filter(pk=member.pk).exists()
    assert not ListMembership.objects.filter(contact_id=member.pk).exists()
    assert not ContactChange.objects.filter(contact_id=member.pk).exists()
    found = notifuse.get("contacts.getByEmail", workspace_id=workspace.public_id, email="user@example.com")
    assert found.status_code == 404


def test_a_soft_deleted_contact_can_still_be_erased(delete, member, workspace):
    contacts_soft_delete(workspace_id=workspace.id, contact_ids=[member.pk], source=IngestSource(name="test"))

    assert delete("user@example.com").json() == {"success": True}
    assert not Contact.objects.filter(pk=member.pk).exists()


def test_an_unknown_email_is_a_404(delete):
    response = delete("nobody@example.com")

    assert (response.status_code, response.json()) == (404, {"error": "Contact not found"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "user@example.com"}, "workspace_id is required"),
        ({"workspace_id": "WS"}, "email is required"),
        ({"workspace_id": "WS", "email": "user@"}, "invalid email format"),
        ({"workspace_id": "WS", "email": 5}, "invalid email format"),
    ],
)
def test_a_bad_request_is_a_400(notifuse, workspace, member, body, message):
    body = {k: v.replace("WS", workspace.public_id) if isinstance(v, str) else v for k, v in body.items()}

    response = notifuse.post("contacts.delete", body)

    assert (response.status_code, response.json()) == (400, {"error": message})
    assert Contact.objects.filter(pk=member.pk).exists()


def test_another_workspace_cannot_erase_here(notifuse_other, workspace, other_workspace, member):
    denied = notifuse_other.post(
        "contacts.delete", {"workspace_id": workspace.public_id, "email": "user@example.com"}
    )
    own = notifuse_other.post(
        "contacts.delete", {"workspace_id": other_workspace.public_id, "email": "user@example.com"}
    )

    assert (denied.status_code, denied.json()) == (400, {"error": "You do not have access to this workspace"})
    assert (own.status_code, own.json()) == (404, {"error": "Contact not found"})
    assert Contact.objects.filter(pk=member.pk).exists()


def test_a_read_only_key_gets_a_403(notifuse_read_only, workspace, member):
    response = notifuse_read_only.post(
        "contacts.delete", {"workspace_id": workspace.public_id, "email": "user@example.com"}
    )

    assert response.status_code == 403
    assert response.json() == {"error": "Insufficient permissions: write access to contacts required"}
    assert Contact.objects.filter(pk=member.pk).exists()


def test_another_method_is_a_405(notifuse):
    response = notifuse.call("GET", "contacts.delete")

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})


def test_a_dry_run_erases_nothing(delete, member):
    response = delete("user@example.com", query="dry_run=true")

    assert response.json() == {"success": True, "dry_run": True}
    assert Contact.objects.filter(pk=member.pk).exists()
    assert delete("nobody@example.com", query="dry_run=true").status_code == 404


def test_an_idempotency_key_replays_the_success_and_refuses_another_body(delete, member):
    first = delete("user@example.com", HTTP_IDEMPOTENCY_KEY="del-1")

    again = delete("user@example.com", HTTP_IDEMPOTENCY_KEY="del-1")
    other = delete("someone@example.com", HTTP_IDEMPOTENCY_KEY="del-1")

    assert first.json() == again.json() == {"success": True}
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
