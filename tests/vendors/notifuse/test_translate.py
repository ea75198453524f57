"""The translator on its own: Notifuse JSON → canonical records, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core.errors import ApplicationError
from apps.vendors.notifuse import translate
from apps.vendors.notifuse.translate import ContactInvalid, parse_contact
from tests.vendors.notifuse.conftest import fixture


def message_of(excinfo: pytest.ExceptionInfo[ApplicationError]) -> str:
    return excinfo.value.message


def test_the_seed_contact_maps_to_columns_and_typed_slots():
    contact = parse_contact(fixture("upsert_seed_request.json")["contact"])

    assert contact.email == "user@example.com"
    assert contact.fields == {
        "external_id": "user_12345",
        "timezone": "America/New_York",
        "language": "en-US",
        "first_name": "John",
        "last_name": "Doe",
        "phone": "+15551234567",
        "address_line1": "123 Main St",
        "address_line2": "Apt 4B",
        "country": "US",
        "postcode": "10001",
        "region": "NY",
        "job_title": "Software Engineer",
    }
    assert contact.attributes["lifetime_value"] == 1250.5
    assert contact.attributes["orders_count"] == 5
    assert contact.attributes["last_order_at"] == "2023-05-15T14:30:00Z"
    assert contact.attributes["custom_json_1"] == {"preferences": {"theme": "dark", "notifications": True}}
    assert contact.attributes["custom_json_5"] == {}
    assert len(contact.attributes) == 23
    assert "created_at" not in contact.fields and "created_at" not in contact.attributes


def test_email_is_trimmed_of_unicode_spaces_and_lower_cased():
    contact = parse_contact({"email": "\u00a0\u2003 User@Example.COM\u3000\t"})

    assert contact.email == "user@example.com"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "email is required"),
        ({"email": None}, "email is required"),
        ({"email": " \u00a0 "}, "email is required"),
        ({"email": "not-an-email"}, "invalid email format"),
        ({"email": 42}, "invalid email format"),
        ("user@example.com", "email is required"),
        (None, "email is required"),
    ],
)
def test_email_problems_use_notifuse_words(raw, message):
    with pytest.raises(ContactInvalid) as excinfo:
        parse_contact(raw)

    assert str(excinfo.value) == message


def test_absent_null_and_empty_string_are_three_different_things():
    contact = parse_contact(
        {
            "email": "a@example.com",
            "first_name": None,
            "last_name": "",
            "custom_string_1": "",
            "custom_json_2": None,
        }
    )

    assert contact.fields == {"first_name": None, "last_name": ""}
    assert contact.attributes == {"custom_string_1": "", "custom_json_2": None}


def test_an_empty_identity_or_code_clears_it_because_the_hub_cannot_store_it_empty():
    contact = parse_contact(
        {"email": "a@example.com", "external_id": "", "phone": " ", "language": "", "timezone": ""}
    )

    assert contact.fields == {"external_id": None, "phone": None, "language": None, "timezone": None}


def test_strings_are_trimmed_like_notifuse_does():
    contact = parse_contact(
        {"email": "a@example.com", "first_name": "\u00a0Jane ", "custom_string_2": " x\u2009"}
    )

    assert contact.fields["first_name"] == "Jane"
    assert contact.attributes["custom_string_2"] == "x"


def test_unknown_keys_and_the_timestamps_are_ignored():
    contact = parse_contact(
        {"email": "a@example.com", "favourite_colour": "blue", "created_at": 1, "updated_at": {"x": 1}}
    )

    assert (contact.fields, contact.attributes) == ({}, {})


def test_datetimes_are_stored_in_utc():
    contact = parse_contact({"email": "a@example.com", "custom_datetime_1": "2024-02-29T23:30:00.5+02:00"})

    assert contact.attributes["custom_datetime_1"] == "2024-02-29T21:30:00.500000Z"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"first_name": 42}, "invalid type for first_name: expected string, got Number"),
        ({"state": True}, "invalid type for state: expected string, got True"),
        ({"external_id": ["x"]}, "invalid type for external_id: expected string, got JSON"),
        ({"custom_string_3": False}, "invalid type for custom_string_3: expected string, got False"),
        ({"custom_number_1": "42"}, "invalid type for custom_number_1: expected number, got String"),
        ({"orders_count": True}, "invalid type for orders_count: expected number, got True"),
        (
            {"custom_datetime_2": 1700000000},
            "invalid type for custom_datetime_2: expected string, got Number",
        ),
        ({"custom_json_1": "text"}, "invalid JSON value for custom_json_1, got String"),
        ({"custom_json_4": 3}, "invalid JSON value for custom_json_4, got Number"),
    ],
)
def test_wrong_types_are_named_with_notifuse_words(raw, message):
    with pytest.raises(ContactInvalid) as excinfo:
        parse_contact({"email": "a@example.com", **raw})

    assert str(excinfo.value) == message


@pytest.mark.parametrize("value", ["2023-05-15", "2023-05-15 14:30:00Z", "2023-05-15T14:30:00", "yesterday"])
def test_a_datetime_must_be_rfc_3339(value):
    with pytest.raises(ContactInvalid) as excinfo:
        parse_contact({"email": "a@example.com", "last_order_at": value})

    assert str(excinfo.value).startswith("invalid time format for last_order_at: ")


def test_an_impossible_date_is_an_invalid_time_format():
    with pytest.raises(ContactInvalid, match=r"^invalid time format for custom_datetime_1: "):
        parse_contact({"email": "a@example.com", "custom_datetime_1": "2025-02-30T10:00:00Z"})


def test_the_first_problem_in_notifuse_order_is_reported():
    with pytest.raises(ContactInvalid) as excinfo:
        parse_contact({"email": "a@example.com", "custom_json_1": 1, "first_name": 1})

    assert str(excinfo.value) == "invalid type for first_name: expected string, got Number"


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ({"phone": "call me"}, "invalid value for phone: "),
        ({"timezone": "Mars/Olympus_Mons"}, "invalid value for timezone: "),
        ({"language": "English please"}, "invalid value for language: "),
        ({"first_name": "x" * 256}, "invalid value for first_name: longer than 255 characters"),
        ({"custom_string_1": "x" * 10_001}, "invalid value for custom_string_1: "),
    ],
)
def test_values_the_hub_cannot_store_are_refused_by_field(raw, start):
    with pytest.raises(ContactInvalid) as excinfo:
        parse_contact({"email": "a@example.com", **raw})

    assert str(excinfo.value).startswith(start)


def test_upsert_contact_prefixes_invalid_contact():
    with pytest.raises(ApplicationError) as excinfo:
        translate.upsert_contact({"contact": {"email": "nope"}})

    assert (excinfo.value.status, message_of(excinfo)) == (400, "invalid contact: invalid email format")


def test_upsert_needs_its_contact_field():
    with pytest.raises(ApplicationError) as excinfo:
        translate.upsert_contact({"workspace_id": "w"})

    assert message_of(excinfo) == "contact field is required"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "workspace_id is required"),
        ({"workspace_id": ""}, "workspace_id is required"),
        ({"workspace_id": 7}, "Invalid request body"),
    ],
)
def test_workspace_id_is_required(body, message):
    with pytest.raises(ApplicationError) as excinfo:
        translate.workspace_id_of(body)

    assert message_of(excinfo) == message


def test_import_keeps_the_last_copy_of_a_repeated_email_and_reports_bad_items():
    items = translate.import_items(
        {
            "contacts": [
                {"email": "A@example.com", "first_name": "First"},
                {"email": "bad", "first_name": "x"},
                {"email": "b@example.com"},
                {"email": "a@example.com ", "last_name": "Last"},
                "not an object",
            ]
        }
    )

    assert [(i.index, i.email, i.error) for i in items] == [
        (1, "bad", "invalid contact at index 1: invalid email format"),
        (2, "b@example.com", None),
        (3, "a@example.com", None),
        (4, "", "invalid contact at index 4: email is required"),
    ]
    assert items[2].contact is not None and items[2].contact.fields == {"last_name": "Last"}


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        (None, "contacts must be an array"),
        ({"email": "a@example.com"}, "contacts must be an array"),
        ([], "contacts array is empty"),
        ([{"email": "a@example.com"}] * 10_001, "contacts array has 10001 items; the maximum is 10000"),
    ],
)
def test_import_needs_a_non_empty_array_of_at_most_10000(contacts, message):
    with pytest.raises(ApplicationError) as excinfo:
        translate.import_items({"contacts": contacts})

    assert message_of(excinfo) == message


def test_list_ids_must_be_an_array_of_strings():
    assert translate.list_ids_of({"list_ids": ["a", "b", "a"]}, "list_ids") == ["a", "b"]
    with pytest.raises(ApplicationError, match="Invalid request body"):
        translate.list_ids_of({"list_ids": "a"}, "list_ids")
    with pytest.raises(ApplicationError, match="list_ids is required"):
        translate.list_ids_of({"list_ids": []}, "list_ids", required="list_ids is required")


def test_list_query_defaults_and_filters():
    query = translate.list_query({"email": "ACME", "state": "ignored", "limit": "5", "list_id": "L1"})

    assert query.contains == {"email": "ACME"}
    assert (query.limit, query.list_id, query.before) == (5, "L1", None)
    assert translate.list_query({}).limit == 20


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_list_limit_must_be_1_to_100(limit):
    with pytest.raises(ApplicationError) as excinfo:
        translate.list_query({"limit": limit})

    assert message_of(excinfo) == "limit must be between 1 and 100"


def test_the_cursor_round_trips_and_a_forged_one_is_a_400():
    created_at = dt.datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC)

    assert translate.cursor_decode(translate.cursor_encode(created_at, 42)) == (created_at, 42)
    with pytest.raises(ApplicationError, match="invalid cursor"):
        translate.list_query({"cursor": "not-a-cursor"})


def test_the_record_matches_on_email_and_names_notifuse_paths():
    contact = parse_contact({"email": "a@example.com", "state": "NY", "custom_number_1": 1})
    record = translate.record_for(contact, path="contacts[3]", list_ids=["L1"])

    assert record.fields == {"email": "a@example.com", "region": "NY"}
    assert record.attributes == {"custom_number_1": 1}
    assert [ref.public_id for ref in record.lists_add] == ["L1"]
    assert record.path("region") == "contacts[3].state"
    assert record.path("attributes.custom_number_1") == "contacts[3].custom_number_1"
    assert translate.POLICY.keys == ("email",)
    assert translate.POLICY.invalid_values == "reject"
