"""GET /notifuse/api/contacts.getByEmail: one contact with its contact_lists, or 404 `Contact not found`."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from apps.lists.services import list_create
from tests.vendors.notifuse.conftest import seed_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def get(notifuse, workspace):
    def run(**params):
        return notifuse.get("contacts.getByEmail", **{"workspace_id": workspace.public_id, **params})

    return run


def test_the_contact_comes_with_its_lists(notifuse, workspace, get):
    notifuse.post("contacts.upsert", seed_upsert(workspace))
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")
    body = {"workspace_id": workspace.public_id, "contact": {"email": "user@example.com"}}
    notifuse.post("lists.subscribe", {**body, "list_ids": [newsletter.public_id]})

    response = get(email="\u00a0USER@example.com ")

    assert response.status_code == 200
    contact = response.json()["contact"]
    assert (contact["email"], contact["external_id"], contact["custom_number_1"]) == (
        "user@example.com",
        "user_12345",
        42,
    )
    assert [(cl["list_id"], cl["list_name"], cl["status"]) for cl in contact["contact_lists"]] == [
        (newsletter.public_id, "Newsletter", "active")
    ]


def test_an_unknown_email_is_a_404(get):
    response = get(email="nobody@example.com")

    assert (response.status_code, response.json()) == (404, {"error": "Contact not found"})


def test_a_deleted_contact_is_not_found(notifuse, workspace, get):
    notifuse.post("contacts.upsert", seed_upsert(workspace))
    contact = Contact.objects.get(email="user@example.com")
    contacts_soft_delete(
        workspace_id=workspace.id, contact_ids=[contact.pk], source=IngestSource(name="test")
    )

    assert get(email="user@example.com").status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [({"workspace_id": ""}, "Missing workspace ID"), ({}, "Missing email")],
)
def test_missing_parameters_are_400s(notifuse, workspace, params, message):
    response = notifuse.get("contacts.getByEmail", **{"workspace_id": workspace.public_id, **params})

    assert (response.status_code, response.json()) == (400, {"error": message})


def test_another_workspace_cannot_see_the_contact(notifuse, notifuse_other, workspace, other_workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    denied = notifuse_other.get(
        "contacts.getByEmail", workspace_id=workspace.public_id, email="user@example.com"
    )
    own = notifuse_other.get(
        "contacts.getByEmail", workspace_id=other_workspace.public_id, email="user@example.com"
    )

    assert (denied.status_code, denied.json()) == (400, {"error": "You do not have access to this workspace"})
    assert (own.status_code, own.json()) == (404, {"error": "Contact not found"})


def test_a_read_only_key_may_read(notifuse, notifuse_read_only, workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    response = notifuse_read_only.get(
        "contacts.getByEmail", workspace_id=workspace.public_id, email="user@example.com"
    )

    assert response.status_code == 200


def test_another_method_is_a_405(notifuse):
    response = notifuse.post("contacts.getByEmail", {})

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})
