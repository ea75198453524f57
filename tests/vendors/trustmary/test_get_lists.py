"""GET /trustmary/v1/lists: the workspace's lists, pages of 1000, optional type (`specs/trustmary.md`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.lists.models import ContactList
from tests.vendors.trustmary.conftest import BASE, contact_make, list_make, membership_make

pytestmark = pytest.mark.django_db

URL = f"{BASE}/lists"
LIST_KEYS = {"id", "type", "count", "name", "source", "created_at", "updated_at", "deleted_at"}


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()]


def test_lists_with_member_counts(client, workspace):
    customers = list_make(workspace, "MDyzFBay3", "Customers")
    list_make(workspace, "empty111", "Empty")
    membership_make(customers, contact_make(workspace, email="a@example.com"))
    membership_make(customers, contact_make(workspace, email="b@example.com"))
    membership_make(customers, contact_make(workspace, email="gone@example.com", deleted_at=timezone.now()))

    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    first = body[0]
    assert set(first) == LIST_KEYS
    assert first["id"] == "MDyzFBay3"
    assert first["name"] == "Customers"
    assert first["type"] == "static"
    assert first["count"] == 2  # deleted contacts are not counted
    assert first["deleted_at"] is None
    assert first["created_at"].endswith("Z")
    assert body[1]["count"] == 0


def test_trailing_slash_is_accepted(client, workspace):
    assert client.get(URL + "/").status_code == 200


def test_deleted_lists_are_left_out(client, workspace):
    list_make(workspace, "live1111")
    list_make(workspace, "dead1111", deleted_at=timezone.now())

    assert ids(client.get(URL)) == ["live1111"]


def test_type_filter(client, workspace):
    list_make(workspace, "static11")
    list_make(workspace, "segment1", type="segment")

    assert ids(client.get(URL, {"type": "segment"})) == ["segment1"]
    assert ids(client.get(URL, {"type": "customer"})) == []


def test_pages_of_1000_ordered_by_creation(client, workspace):
    ContactList.objects.bulk_create(
        [ContactList(workspace=workspace, public_id=f"l{i:07d}", name=f"List {i}") for i in range(1001)]
    )
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for i, contact_list in enumerate(ContactList.objects.filter(workspace=workspace).order_by("public_id")):
        ContactList.objects.filter(pk=contact_list.pk).update(created_at=start + dt.timedelta(seconds=i))

    first = ids(client.get(URL))
    second = ids(client.get(URL, {"offset": "1000"}))

    assert len(first) == 1000
    assert first[0] == "l0000000"
    assert second == ["l0001000"]


def test_bad_offset_is_400(client, workspace):
    response = client.get(URL, {"offset": "-1"})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "offset"


def test_other_workspaces_key_sees_nothing_of_ours(other_client, workspace):
    list_make(workspace, "ours1111")

    assert other_client.get(URL).json() == []


def test_read_only_key_may_read(read_only_client, workspace):
    list_make(workspace, "ours1111")

    assert ids(read_only_client.get(URL)) == ["ours1111"]


def test_post_is_405(client, workspace):
    response = client.post(URL, {"name": "New"}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
