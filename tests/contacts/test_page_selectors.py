"""`contacts_page_by_id`: keyset pages of live contacts, filtered, with tags, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.contacts.models import Contact, ContactTag, Tag
from apps.contacts.page_selectors import ContactFilters, contacts_page_by_id

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def make(workspace, n: int, **fields) -> list[Contact]:
    return [Contact.objects.create(workspace=workspace, external_id=f"c{i}", **fields) for i in range(n)]


def tag(contact: Contact, name: str) -> None:
    t, _ = Tag.objects.get_or_create(workspace=contact.workspace, name=name)
    ContactTag.objects.create(contact=contact, tag=t, added_at=NOW)


def ids(contacts: list[Contact]) -> list[int]:
    return [c.pk for c in contacts]


def test_pages_ascending_past_an_id(workspace):
    contacts = make(workspace, 5)

    first = contacts_page_by_id(workspace_id=workspace.pk, limit=2)
    second = contacts_page_by_id(workspace_id=workspace.pk, after_id=first[-1].pk, limit=2)

    assert ids(first) == ids(contacts[:2])
    assert ids(second) == ids(contacts[2:4])


def test_pages_descending_past_an_id(workspace):
    contacts = make(workspace, 5)

    first = contacts_page_by_id(workspace_id=workspace.pk, descending=True, limit=2)
    second = contacts_page_by_id(workspace_id=workspace.pk, descending=True, after_id=first[-1].pk, limit=2)

    assert ids(first) == ids(contacts[::-1][:2])
    assert ids(second) == ids(contacts[::-1][2:4])


def test_leaves_out_deleted_contacts_and_other_workspaces(workspace, other_workspace):
    live, deleted = make(workspace, 2)
    Contact.objects.filter(pk=deleted.pk).update(deleted_at=NOW)
    make(other_workspace, 2)

    assert ids(contacts_page_by_id(workspace_id=workspace.pk, limit=10)) == [live.pk]


def test_filters_on_columns(workspace):
    a = Contact.objects.create(
        workspace=workspace, external_id="a", email="a@x.io", first_name="Ann", last_name="Lee"
    )
    Contact.objects.create(
        workspace=workspace, external_id="b", email="b@x.io", first_name="Ann", last_name="Ko"
    )

    def page(**filters) -> list[int]:
        return ids(
            contacts_page_by_id(workspace_id=workspace.pk, filters=ContactFilters(**filters), limit=10)
        )

    assert page(external_id="a") == [a.pk]
    assert page(email="a@x.io") == [a.pk]
    assert page(first_name="Ann", last_name="Lee") == [a.pk]
    assert page(first_name="ann") == []  # exact


def test_filters_on_phones_and_a_country_prefix(workspace):
    uk = Contact.objects.create(workspace=workspace, phone="+447712345678")
    us = Contact.objects.create(workspace=workspace, phone="+17712345678")

    def page(**filters) -> list[int]:
        return ids(
            contacts_page_by_id(workspace_id=workspace.pk, filters=ContactFilters(**filters), limit=10)
        )

    assert page(phones=("+447712345678", "+4400")) == [uk.pk]
    assert page(phone_prefix="+1") == [us.pk]
    assert page(phones=()) == []


def test_filters_on_a_custom_attribute(workspace):
    a = Contact.objects.create(workspace=workspace, attributes={"device_id": "dev-1"})
    Contact.objects.create(workspace=workspace, attributes={"device_id": "dev-2"})
    Contact.objects.create(workspace=workspace, attributes={})

    found = contacts_page_by_id(
        workspace_id=workspace.pk, filters=ContactFilters(attributes=(("device_id", "dev-1"),)), limit=10
    )

    assert ids(found) == [a.pk]


def test_two_queries_whatever_the_page_size_and_tags(workspace, django_assert_num_queries):
    few = make(workspace, 1)
    tag(few[0], "vip")
    with CaptureQueriesContext(connection) as small:
        contacts_page_by_id(workspace_id=workspace.pk, limit=10)
    Contact.objects.all().delete()
    for contact in make(workspace, 20):
        for name in ("vip", "beta", "gold"):
            tag(contact, name)

    with django_assert_num_queries(len(small.captured_queries)):
        page = contacts_page_by_id(workspace_id=workspace.pk, limit=100)
        assert [t.name for t in page[0].tags.all()] == ["beta", "gold", "vip"]
    assert len(small.captured_queries) == 2
