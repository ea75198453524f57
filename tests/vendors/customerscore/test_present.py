"""Pure presenter tests (no database): contacts built in memory."""

from __future__ import annotations

import datetime as dt

from apps.contacts.models import Contact
from apps.ingest.records import Issue
from apps.vendors.customerscore import present

AT = dt.datetime(2025, 4, 29, 10, 0, tzinfo=dt.UTC)


def seed_contact(**fields) -> Contact:
    values = {
        "external_id": "C12345",
        "full_name": "John Doe",
        "email": "example@example.com",
        "phone": "+4207123456789",
        "city": "Brno",
        "attributes": {"age": 35, "is_admin": True, "last_contacted_at": "2025-04-25"},
        "created_at": AT,
        "updated_at": AT,
        **fields,
    }
    return Contact(**values)


def test_contact_body_speaks_customerscore():
    body = present.contact_body(seed_contact(), "12345")

    assert body == {
        "external_id": "C12345",
        "customer_external_id": "12345",
        "name": "John Doe",
        "attributes": {
            "email": "example@example.com",
            "phone": "+4207123456789",
            "city": "Brno",
            "age": 35,
            "is_admin": True,
            "last_contacted_at": "2025-04-25",
        },
        "created_at": "2025-04-29T10:00:00+00:00",
        "updated_at": "2025-04-29T10:00:00+00:00",
        "deleted_at": None,
    }


def test_built_in_dates_are_iso_strings_and_empty_columns_are_left_out():
    body = present.contact_body(seed_contact(email=None, birth_date=dt.date(1990, 1, 2)), "12345")

    assert body["attributes"]["birth_date"] == "1990-01-02"
    assert "email" not in body["attributes"]
    assert "first_name" not in body["attributes"]


def test_write_body_lists_warnings_and_marks_a_dry_run():
    warning = Issue("attributes.Age", "unknown_attribute", "'Age' is not an attribute; dropped.", "warning")

    body = present.write_body(
        result="created",
        contact=seed_contact(),
        customer_external_id="12345",
        warnings=[warning],
        dry_run=True,
    )

    assert body["result"] == "created"
    assert body["contact"]["external_id"] == "C12345"
    assert body["warnings"] == [
        {
            "path": "attributes.Age",
            "code": "unknown_attribute",
            "message": "'Age' is not an attribute; dropped.",
        }
    ]
    assert body["dry_run"] is True


def test_write_body_without_dry_run_has_no_marker():
    body = present.write_body(result="updated", contact=seed_contact(), customer_external_id="12345")

    assert "dry_run" not in body
    assert body["warnings"] == []


def test_preview_of_a_new_contact_has_no_timestamps():
    contact = present.contact_preview(
        None, fields={"external_id": "C1", "full_name": "Jane"}, attributes={"age": 3, "gone": None}
    )

    body = present.contact_body(contact, "12345")
    assert (body["external_id"], body["name"], body["attributes"]) == ("C1", "Jane", {"age": 3})
    assert (body["created_at"], body["updated_at"]) == (None, None)


def test_preview_merges_into_the_stored_contact_without_touching_it():
    stored = seed_contact()

    contact = present.contact_preview(
        stored, fields={"full_name": "Johnny"}, attributes={"age": 36, "is_admin": None}
    )

    assert contact.full_name == "Johnny"
    assert contact.attributes == {"age": 36, "last_contacted_at": "2025-04-25"}
    assert stored.full_name == "John Doe"
    assert stored.attributes["age"] == 35
    assert stored.attributes["is_admin"] is True
