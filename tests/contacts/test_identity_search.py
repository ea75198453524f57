from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.contacts.identity_search import contacts_by_identity
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import ChannelChange, ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.models import ContactList
from apps.lists.services import list_delete

pytestmark = pytest.mark.django_db
SOURCE = IngestSource(name="test")


def store(workspace, **fields) -> int:
    record = ContactRecord(
        fields=fields,
        lists_add=[ListRef(name="Kept", create=True), ListRef(name="Dropped", create=True)],
        channels=[ChannelChange("webpush", "subscribed", f"tok-{fields.get('email')}")],
    )
    result = contacts_ingest(workspace_id=workspace.pk, records=[record], source=SOURCE).results[0]
    assert result.contact_id is not None, result.issues
    return result.contact_id


def ids(contacts) -> list[int]:
    return [c.pk for c in contacts]


def test_every_identity_given_must_match(workspace):
    ann = store(workspace, email="ann@example.com", phone="+12125550123", external_id="A1")
    store(workspace, email="bob@example.com", phone="+12125550123", external_id="B1")

    assert ids(contacts_by_identity(workspace_id=workspace.pk, email="ann@example.com")) == [ann]
    assert len(contacts_by_identity(workspace_id=workspace.pk, phone="+12125550123")) == 2
    assert ids(contacts_by_identity(workspace_id=workspace.pk, phone="+12125550123", external_id="A1")) == [
        ann
    ]
    assert contacts_by_identity(workspace_id=workspace.pk, email="ann@example.com", external_id="B1") == []


def test_pages_in_id_order_without_deleted_or_foreign_contacts(workspace, other_workspace):
    mine = [store(workspace, email=f"c{i}@example.com") for i in range(4)]
    store(other_workspace, email="c0@example.com")
    contacts_soft_delete(workspace_id=workspace.pk, contact_ids=[mine[1]], source=SOURCE)

    assert ids(contacts_by_identity(workspace_id=workspace.pk)) == [mine[0], mine[2], mine[3]]
    assert ids(contacts_by_identity(workspace_id=workspace.pk, offset=1, limit=1)) == [mine[2]]


def test_relations_are_prefetched_without_deleted_lists(workspace):
    for i in range(3):
        store(workspace, email=f"c{i}@example.com")
    list_delete(contact_list=ContactList.objects.get(name="Dropped"))

    with CaptureQueriesContext(connection) as captured:
        contacts = contacts_by_identity(workspace_id=workspace.pk)
        names = [[m.list.name for m in c.list_memberships.all()] for c in contacts]
        channels = [[s.channel for s in c.subscriptions.all()] for c in contacts]

    assert names == [["Kept"]] * 3
    assert channels == [["webpush"]] * 3
    assert len(captured.captured_queries) == 3
