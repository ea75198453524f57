"""GET /notifuse/api/contacts.count: the workspace's live contacts."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource

pytestmark = pytest.mark.django_db


def test_live_contacts_are_counted(notifuse, notifuse_other, workspace, other_workspace):
    notifuse.post(
        "contacts.import",
        {"workspace_id": workspace.public_id, "contacts": [{"email": f"c{i}@example.com"} for i in range(3)]},
    )
    notifuse_other.post(
        "contacts.import",
        {"workspace_id": other_workspace.public_id, "contacts": [{"email": "x@example.com"}]},
    )
    gone = Contact.objects.get(workspace=workspace, email="c0@example.com")
    contacts_soft_delete(workspace_id=workspace.id, contact_ids=[gone.pk], source=IngestSource(name="test"))

    response = notifuse.get("contacts.count", workspace_id=workspace.public_id)

    assert (response.status_code, response.json()) == (200, {"total_contacts": 2})


def test_an_empty_workspace_counts_zero(notifuse_read_only, workspace):
    response = notifuse_read_only.get("contacts.count", workspace_id=workspace.public_id)

    assert response.json() == {"total_contacts": 0}


def test_workspace_id_is_required(notifuse):
    response = notifuse.get("contacts.count")

    assert (response.status_code, response.json()) == (400, {"error": "Missing workspace ID"})


def test_another_workspace_cannot_count_here(notifuse_other, workspace):
    response = notifuse_other.get("contacts.count", workspace_id=workspace.public_id)

    assert (response.status_code, response.json()) == (
        400,
        {"error": "You do not have access to this workspace"},
    )


def test_another_method_is_a_405(notifuse):
    response = notifuse.post("contacts.count", {})

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})
