"""The presenter on its own: stored contacts and ingest results → Notifuse JSON, without a database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from apps.ingest.records import Issue, Outcome, RecordResult
from apps.vendors.notifuse import present, translate
from apps.vendors.notifuse.translate import ImportItem, parse_contact
from tests.vendors.notifuse.conftest import fixture

CREATED = dt.datetime(2023, 1, 15, 10, 30, tzinfo=dt.UTC)
UPDATED = dt.datetime(2023, 4, 22, 15, 45, tzinfo=dt.UTC)


def stored_contact(**fields) -> SimpleNamespace:
    columns = dict.fromkeys(translate.CONTACT_COLUMNS.values())
    columns.update(fields)
    columns.setdefault("email", "user@example.com")
    columns.setdefault("attributes", {})
    return SimpleNamespace(**columns, created_at=CREATED, updated_at=UPDATED, pk=7)


def seed_row() -> dict:
    contact = parse_contact(fixture("upsert_seed_request.json")["contact"])
    row = present.preview_row(contact, None, CREATED)
    row["updated_at"] = UPDATED
    return row


def test_the_seed_contact_renders_as_the_seed_response_shows_it():
    expected = fixture("upsert_seed_response.json")

    body = present.upsert_json(
        "user@example.com", RecordResult(0, Outcome.CREATED), seed_row(), dry_run=False
    )

    assert body == {"email": "user@example.com", **expected}
    assert list(body["contact"]) == list(expected["contact"])  # Notifuse's field order


def test_unset_fields_are_left_out_but_the_timestamps_never_are():
    row = present.contact_row(
        stored_contact(first_name="Jane", last_name="", attributes={"custom_number_1": 0})
    )

    assert present.contact_json(row) == {
        "email": "user@example.com",
        "first_name": "Jane",
        "last_name": "",
        "custom_number_1": 0,
        "created_at": "2023-01-15T10:30:00Z",
        "updated_at": "2023-04-22T15:45:00Z",
    }


def test_hub_only_attributes_are_not_notifuse_fields():
    row = present.contact_row(stored_contact(attributes={"plan": "pro", "custom_string_1": "a"}))

    body = present.contact_json(row)

    assert "plan" not in body and body["custom_string_1"] == "a"


def test_contact_lists_show_live_lists_with_notifuse_statuses():
    live = SimpleNamespace(public_id="L1", name="Newsletter", deleted_at=None)
    gone = SimpleNamespace(public_id="L2", name="Old", deleted_at=UPDATED)
    memberships = [
        SimpleNamespace(list=live, status="subscribed", added_at=CREATED, changed_at=UPDATED),
        SimpleNamespace(list=gone, status="unsubscribed", added_at=CREATED, changed_at=UPDATED),
    ]

    body = present.contact_json(present.contact_row(stored_contact()), memberships)

    assert body["contact_lists"] == [
        {
            "email": "user@example.com",
            "list_id": "L1",
            "list_name": "Newsletter",
            "status": "active",
            "created_at": "2023-01-15T10:30:00Z",
            "updated_at": "2023-04-22T15:45:00Z",
        }
    ]


def test_a_dry_run_preview_merges_the_request_into_the_stored_contact():
    stored = present.contact_row(
        stored_contact(
            first_name="Old", last_name="Keep", attributes={"custom_json_1": [1], "custom_number_1": 3}
        )
    )
    contact = parse_contact(
        {"email": "user@example.com", "first_name": "New", "custom_json_1": None, "custom_number_2": 2}
    )

    row = present.preview_row(contact, stored, UPDATED)

    assert (row["first_name"], row["last_name"]) == ("New", "Keep")
    assert row["attributes"] == {"custom_number_1": 3, "custom_number_2": 2}
    assert row["created_at"] == CREATED


def test_upsert_action_is_created_only_for_a_new_contact():
    assert present.upsert_action(RecordResult(0, Outcome.CREATED)) == "created"
    assert present.upsert_action(RecordResult(0, Outcome.UPDATED)) == "updated"
    assert present.upsert_action(RecordResult(0, Outcome.UNCHANGED)) == "updated"


def test_import_operations_follow_the_input_order():
    items = [
        ImportItem(0, "a@example.com", contact=parse_contact({"email": "a@example.com"})),
        ImportItem(1, "bad", error="invalid contact at index 1: invalid email format"),
        ImportItem(2, "b@example.com", contact=parse_contact({"email": "b@example.com"})),
        ImportItem(3, "c@example.com", contact=parse_contact({"email": "c@example.com"})),
    ]
    conflict = Issue("contacts[3].external_id", "identity_conflict", "taken.", "error")
    results = {
        0: RecordResult(0, Outcome.CREATED),
        2: RecordResult(1, Outcome.UNCHANGED),
        3: RecordResult(2, Outcome.FAILED, issues=[conflict]),
    }

    body = present.import_json(items, results, dry_run=False)

    assert body == {
        "operations": [
            {"email": "a@example.com", "action": "create"},
            {"email": "bad", "action": "error", "error": "invalid contact at index 1: invalid email format"},
            {"email": "b@example.com", "action": "update"},
            {
                "email": "c@example.com",
                "action": "error",
                "error": "failed to upsert contact at index 3: contacts[3].external_id: taken.",
            },
        ]
    }


def test_a_list_page_has_a_next_cursor_only_when_more_rows_exist():
    rows = [stored_contact(email=f"{i}@example.com") for i in range(3)]

    full = present.list_json(rows, limit=2, with_contact_lists=False)
    last = present.list_json(rows[:2], limit=2, with_contact_lists=False)

    assert [c["email"] for c in full["contacts"]] == ["0@example.com", "1@example.com"]
    assert translate.cursor_decode(full["next_cursor"]) == (CREATED, 7)
    assert "next_cursor" not in last
