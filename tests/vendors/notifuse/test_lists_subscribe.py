"""POST /notifuse/api/lists.subscribe: store the contact and subscribe it to lists, at once (bearer call)."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.models import ListMembership
from apps.lists.services import list_create, list_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(workspace):
    return [list_create(workspace_id=workspace.id, name=name) for name in ("Newsletter", "Offers")]


@pytest.fixture
def subscribe(notifuse, workspace):
    def run(contact, list_ids, *, query: str = "", **headers):
        body = {"workspace_id": workspace.public_id, "contact": contact, "list_ids": list_ids}
        return notifuse.post("lists.subscribe", body, query=query, **headers)

    return run


def memberships(workspace) -> set[tuple[str, str, str]]:
    return set(
        ListMembership.objects.filter(list__workspace=workspace).values_list(
            "contact__email", "list__name", "status"
        )
    )


def test_a_new_contact_is_stored_and_subscribed(subscribe, lists, workspace):
    response = subscribe(
        {"email": "Jane@Example.com", "first_name": "Jane", "custom_string_1": "vip"},
        [lst.public_id for lst in lists],
    )

    assert (response.status_code, response.json()) == (200, {"success": True})
    contact = Contact.objects.get(workspace=workspace, email="jane@example.com")
    assert (contact.first_name, contact.attributes) == ("Jane", {"custom_string_1": "vip"})
    assert memberships(workspace) == {
        ("jane@example.com", "Newsletter", "subscribed"),
        ("jane@example.com", "Offers", "subscribed"),
    }


def test_an_unsubscribed_member_is_subscribed_again(subscribe, lists, workspace):
    contacts_ingest(
        workspace_id=workspace.id,
        records=[
            ContactRecord(
                fields={"email": "jane@example.com", "first_name": "Jane"},
                lists_add=[ListRef(public_id=lists[0].public_id, status="unsubscribed")],
            )
        ],
        source=IngestSource(name="test"),
    )

    subscribe({"email": "jane@example.com"}, [lists[0].public_id])

    assert memberships(workspace) == {("jane@example.com", "Newsletter", "subscribed")}
    assert Contact.objects.get(email="jane@example.com").first_name == "Jane"


@pytest.mark.parametrize(
    ("contact", "list_ids", "message"),
    [
        ({"email": "a@example.com"}, [], "list_ids is required"),
        ({"email": "a@example.com"}, None, "list_ids is required"),
        ({"email": "a@example.com"}, "L1", "Invalid request body"),
        ({}, ["L1"], "invalid contact: email is required"),
        ({"email": "nope"}, ["L1"], "invalid contact: invalid email format"),
        (
            {"email": "a@example.com", "first_name": 3},
            ["L1"],
            "invalid contact: invalid type for first_name: expected string, got Number",
        ),
    ],
)
def test_a_bad_request_is_a_400(subscribe, workspace, contact, list_ids, message):
    response = subscribe(contact, list_ids)

    assert (response.status_code, response.json()) == (400, {"error": message})
    assert not Contact.objects.exists()


def test_workspace_id_is_required(notifuse, lists):
    response = notifuse.post("lists.subscribe", {"contact": {"email": "a@example.com"}, "list_ids": ["x"]})

    assert (response.status_code, response.json()) == (400, {"error": "workspace_id is required"})


def test_a_list_that_is_not_a_live_list_of_this_workspace_is_a_400(
    subscribe, lists, workspace, other_workspace
):
    theirs = list_create(workspace_id=other_workspace.id, name="Theirs")
    list_delete(contact_list=lists[1])

    for list_id in (theirs.public_id, lists[1].public_id, "missing"):
        response = subscribe({"email": "a@example.com"}, [lists[0].public_id, list_id])

        assert (response.status_code, response.json()) == (400, {"error": f"list not found: {list_id}"})
    assert not Contact.objects.exists()


def test_another_workspace_cannot_subscribe_here(notifuse_other, workspace, lists):
    body = {
        "workspace_id": workspace.public_id,
        "contact": {"email": "a@example.com"},
        "list_ids": [lists[0].public_id],
    }

    response = notifuse_other.post("lists.subscribe", body)

    assert (response.status_code, response.json()) == (
        400,
        {"error": "You do not have access to this workspace"},
    )
    assert not Contact.objects.exists()


def test_a_read_only_key_gets_a_403(notifuse_read_only, workspace, lists):
    body = {
        "workspace_id": workspace.public_id,
        "contact": {"email": "a@example.com"},
        "list_ids": [lists[0].public_id],
    }

    response = notifuse_read_only.post("lists.subscribe", body)

    assert (response.status_code, response.json()) == (
        403,
        {"error": "Insufficient permissions: write access to lists required"},
    )


def test_another_method_is_a_405(notifuse):
    response = notifuse.call("PUT", "lists.subscribe")

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})


def test_a_dry_run_subscribes_nobody(subscribe, lists, workspace):
    response = subscribe({"email": "a@example.com"}, [lists[0].public_id], query="dry_run=true")

    assert response.json() == {"success": True, "dry_run": True}
    assert not Contact.objects.exists()
    assert not ListMembership.objects.exists()


def test_an_idempotency_key_replays_and_refuses_another_body(subscribe, lists, workspace):
    first = subscribe({"email": "a@example.com"}, [lists[0].public_id], HTTP_IDEMPOTENCY_KEY="sub-1")

    again = subscribe({"email": "a@example.com"}, [lists[0].public_id], HTTP_IDEMPOTENCY_KEY="sub-1")
    other = subscribe({"email": "a@example.com"}, [lists[1].public_id], HTTP_IDEMPOTENCY_KEY="sub-1")

    assert first.json() == again.json() == {"success": True}
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert memberships(workspace) == {("a@example.com", "Newsletter", "subscribed")}
