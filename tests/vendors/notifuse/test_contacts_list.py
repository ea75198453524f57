"""GET /notifuse/api/contacts.list: newest first, substring filters, list membership, limit, keyset cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.contacts.models import Contact
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from apps.lists.services import list_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def add(notifuse, workspace):
    """Import contacts in one call (they share a created_at: the cursor must break the tie)."""

    def run(*contacts: dict, lists: list[str] | None = None) -> None:
        body = {"workspace_id": workspace.public_id, "contacts": list(contacts)}
        if lists:
            body["subscribe_to_lists"] = lists
        assert notifuse.post("contacts.import", body).status_code == 200

    return run


@pytest.fixture
def listing(notifuse, workspace):
    def run(**params):
        return notifuse.get("contacts.list", workspace_id=workspace.public_id, **params)

    return run


def emails_of(response) -> list[str]:
    return [c["email"] for c in response.json()["contacts"]]


def test_contacts_come_newest_first_in_notifuse_shape(add, listing):
    add({"email": "old@example.com", "first_name": "Old"})
    add({"email": "new@example.com", "custom_number_1": 2})

    response = listing()

    assert response.status_code == 200
    body = response.json()
    assert emails_of(response) == ["new@example.com", "old@example.com"]
    assert set(body["contacts"][0]) == {"email", "custom_number_1", "created_at", "updated_at"}
    assert "next_cursor" not in body


def test_the_cursor_walks_every_page_once_even_when_created_at_ties(add, listing):
    add(*({"email": f"c{i}@example.com"} for i in range(5)))
    expected = list(Contact.objects.order_by("-created_at", "-id").values_list("email", flat=True))

    seen, cursor, pages = [], None, 0
    while True:
        response = listing(limit=2, **({"cursor": cursor} if cursor else {}))
        seen += emails_of(response)
        pages += 1
        cursor = response.json().get("next_cursor")
        if cursor is None:
            break

    assert seen == expected
    assert pages == 3


def test_a_full_last_page_has_no_next_cursor(add, listing):
    add({"email": "a@example.com"}, {"email": "b@example.com"})

    assert "next_cursor" not in listing(limit=2).json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"email": "ACME"}, ["jo@acme.io"]),
        ({"first_name": "jo"}, ["jo@acme.io", "joan@other.io"]),
        ({"last_name": "SMI"}, ["jo@acme.io"]),
        ({"full_name": "jo sm"}, ["jo@acme.io"]),
        ({"external_id": "u-"}, ["jo@acme.io"]),
        ({"phone": "4477"}, ["joan@other.io"]),
        ({"country": "f"}, ["joan@other.io"]),
        ({"language": "EN"}, ["jo@acme.io"]),
        ({"email": "acme", "country": "FR"}, []),
    ],
)
def test_filters_are_case_insensitive_substrings(add, listing, params, expected):
    jo = {"email": "jo@acme.io", "first_name": "Jo", "last_name": "Smith", "full_name": "Jo Smith"}
    add(
        {**jo, "external_id": "u-1", "language": "en-GB", "country": "GB"},
        {"email": "joan@other.io", "first_name": "Joan", "phone": "+447700900123", "country": "FR"},
    )

    assert sorted(emails_of(listing(**params))) == expected


def test_list_id_keeps_the_lists_members_and_their_status(add, listing, workspace, notifuse):
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")
    add({"email": "member@example.com"}, lists=[newsletter.public_id])
    add({"email": "other@example.com"})

    assert emails_of(listing(list_id=newsletter.public_id)) == ["member@example.com"]
    assert emails_of(listing(list_id=newsletter.public_id, contact_list_status="active")) == [
        "member@example.com"
    ]
    assert emails_of(listing(list_id=newsletter.public_id, contact_list_status="unsubscribed")) == []
    assert emails_of(listing(list_id="nope")) == []


def test_with_contact_lists_adds_them(add, listing, workspace):
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")
    add({"email": "member@example.com"}, lists=[newsletter.public_id])

    contact = listing(with_contact_lists="true").json()["contacts"][0]

    assert [(cl["list_id"], cl["status"]) for cl in contact["contact_lists"]] == [
        (newsletter.public_id, "active")
    ]
    assert "contact_lists" not in listing().json()["contacts"][0]


def test_deleted_contacts_are_hidden(add, listing, workspace):
    add({"email": "gone@example.com"}, {"email": "kept@example.com"})
    gone = Contact.objects.get(email="gone@example.com")
    contacts_soft_delete(workspace_id=workspace.id, contact_ids=[gone.pk], source=IngestSource(name="test"))

    assert emails_of(listing()) == ["kept@example.com"]


def test_the_default_limit_is_20(add, listing):
    add(*({"email": f"c{i}@example.com"} for i in range(21)))

    body = listing().json()

    assert len(body["contacts"]) == 20
    assert "next_cursor" in body


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_a_limit_outside_1_to_100_is_a_400(listing, limit):
    response = listing(limit=limit)

    assert (response.status_code, response.json()) == (400, {"error": "limit must be between 1 and 100"})


def test_a_forged_cursor_is_a_400(listing):
    response = listing(cursor="bm90IGEgY3Vyc29y")

    assert (response.status_code, response.json()) == (400, {"error": "invalid cursor"})


def test_workspace_id_is_required(notifuse):
    response = notifuse.get("contacts.list")

    assert (response.status_code, response.json()) == (400, {"error": "workspace_id is required"})


def test_another_workspace_sees_nothing_here(add, notifuse, notifuse_other, workspace, other_workspace):
    add({"email": "ours@example.com"})

    denied = notifuse_other.get("contacts.list", workspace_id=workspace.public_id)
    own = notifuse_other.get("contacts.list", workspace_id=other_workspace.public_id)
    theirs = notifuse.get("contacts.list", workspace_id=other_workspace.public_id)

    assert (denied.status_code, denied.json()) == (400, {"error": "You do not have access to this workspace"})
    assert (own.status_code, own.json()) == (200, {"contacts": []})
    assert theirs.status_code == 400


def test_a_read_only_key_may_list(add, notifuse_read_only, workspace):
    add({"email": "a@example.com"})

    response = notifuse_read_only.get("contacts.list", workspace_id=workspace.public_id)

    assert emails_of(response) == ["a@example.com"]


def test_another_method_is_a_405(notifuse):
    response = notifuse.post("contacts.list", {})

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})


def test_a_page_costs_the_same_queries_whatever_its_size(add, listing, workspace):
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")
    add({"email": "first@example.com"}, lists=[newsletter.public_id])
    listing()  # the key's last use is recorded once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert listing(with_contact_lists="true").status_code == 200
        return len(captured)

    one = queries()
    add(*({"email": f"c{i}@example.com"} for i in range(10)), lists=[newsletter.public_id])

    assert queries() == one
