"""Pure tests (no database) of the bulk request's shape check and its translation into records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from apps.core.errors import ApplicationError
from apps.imports.registry import ItemRejected
from apps.ingest.records import ChannelChange, ConsentEvent, ContactRecord, ListRef
from apps.vendors.pushtech.bulk_shape import BulkOptions, bulk_request
from apps.vendors.pushtech.bulk_translate import (
    CREATE_POLICY,
    UPSERT_POLICY,
    bulk_policy,
    bulk_translate,
    contact_translate,
)
from tests.vendors.pushtech.conftest import fixture


def record(contact: dict[str, Any], **kwargs: Any) -> ContactRecord:
    item = contact_translate(0, contact, **kwargs).item
    assert isinstance(item, ContactRecord), item
    return item


def rejected(contact: dict[str, Any], **kwargs: Any) -> ItemRejected:
    item = contact_translate(0, contact, **kwargs).item
    assert isinstance(item, ItemRejected), item
    return item


def shape_errors(body: Any) -> list[tuple[str, str]]:
    with pytest.raises(ApplicationError) as exc:
        bulk_request(body)
    assert exc.value.status == 400
    return [(d.path, d.code) for d in exc.value.details]


# --- the envelope ---------------------------------------------------------------------------------------


def test_the_seed_request_is_well_shaped():
    request = bulk_request(fixture("bulk_create_request.json")["body"])

    assert len(request.contacts) == 2
    assert request.options == BulkOptions(
        match_contact_user_id=False,
        validate_emails=False,
        contacts_webhook_extra_fields=("name_first",),
        webhook_url="https://requestb.in/qxvaw0qx",
    )


def test_options_default_to_false_and_empty():
    assert bulk_request({"contacts": [{"email": "a@b.io"}]}).options == BulkOptions()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("", "invalid_type")]),
        ({}, [("contacts", "required")]),
        ({"contacts": {"email": "a@b.io"}}, [("contacts", "invalid_type")]),
        ({"contacts": []}, [("contacts", "too_few")]),
        ({"contacts": [{"email": "a@b.io"}] * 5001}, [("contacts", "too_many")]),
        ({"contacts": [{"email": "a@b.io"}, "b@b.io"]}, [("contacts[1]", "invalid_type")]),
        ({"contacts": [{}], "match_contact_user_id": "true"}, [("match_contact_user_id", "invalid_type")]),
        ({"contacts": [{}], "validate_emails": 1}, [("validate_emails", "invalid_type")]),
        ({"contacts": [{}], "webhook_url": 5}, [("webhook_url", "invalid_type")]),
        (
            {"contacts": [{}], "contacts_webhook_extra_fields": "name_first"},
            [("contacts_webhook_extra_fields", "invalid_type")],
        ),
        (
            {"contacts": [{}], "contacts_webhook_extra_fields": [3]},
            [("contacts_webhook_extra_fields[0]", "invalid_type")],
        ),
    ],
)
def test_envelope_shape_errors_name_the_field(body, expected):
    assert shape_errors(body) == expected


def test_5000_contacts_is_the_limit():
    assert len(bulk_request({"contacts": [{"email": "a@b.io"}] * 5000}).contacts) == 5000


@pytest.mark.parametrize(
    ("contact", "path"),
    [
        ({"email": 5}, "contacts[0].email"),
        ({"name_first": {"x": 1}}, "contacts[0].name_first"),
        ({"user_id": True}, "contacts[0].user_id"),
        ({"born_date": 19900101}, "contacts[0].born_date"),
        ({"gender": 1}, "contacts[0].gender"),
        ({"gdpr_accept_terms": "yes"}, "contacts[0].gdpr_accept_terms"),
        ({"tags": "vip"}, "contacts[0].tags"),
        ({"tags": ["vip", 3]}, "contacts[0].tags[1]"),
        ({"list_subscriptions": [{"subscribed": True}]}, "contacts[0].list_subscriptions[0].list_id"),
        ({"list_subscriptions": [{"list_id": [1]}]}, "contacts[0].list_subscriptions[0].list_id"),
        (
            {"list_subscriptions": [{"list_id": "L", "subscribed": "no"}]},
            "contacts[0].list_subscriptions[0].subscribed",
        ),
        ({"list_subscriptions": ["L"]}, "contacts[0].list_subscriptions[0]"),
        ({"channel_subscriptions": [{"blacklisted": True}]}, "contacts[0].channel_subscriptions[0].channel"),
        (
            {"channel_subscriptions": [{"channel": "sms", "blacklisted": 1}]},
            "contacts[0].channel_subscriptions[0].blacklisted",
        ),
    ],
)
def test_wrong_types_inside_a_contact_are_400_naming_the_path(contact, path):
    assert [p for p, _ in shape_errors({"contacts": [{"email": "a@b.io"}, contact]})] == [
        path.replace("contacts[0]", "contacts[1]")
    ]


def test_every_problem_is_counted_and_the_first_50_named():
    with pytest.raises(ApplicationError) as exc:
        bulk_request({"contacts": [{"email": 1}] * 60})

    assert len(exc.value.details) == 50
    assert exc.value.message == "contacts[0].email: Expected a string, got a number. (and 59 more)"


def test_custom_and_attribute_fields_take_any_json_value():
    body = {"contacts": [{"email": "a@b.io", "loyalty": {"tier": "gold"}, "facebook_friends": "many"}]}

    assert bulk_request(body).contacts[0]["loyalty"] == {"tier": "gold"}


def test_numbers_are_accepted_for_text_fields():
    assert bulk_request({"contacts": [{"phone_countrycode": 44, "phone_number": 7712345678, "zip": 28001}]})


# --- the contact ----------------------------------------------------------------------------------------


def test_the_seed_contacts():
    items = bulk_translate(fixture("bulk_create_request.json")["body"]["contacts"], BulkOptions())

    for t in items:
        assert isinstance(t.item, ContactRecord)
        assert t.item.fields == {
            "first_name": "John",
            "last_name": "Doe",
            "email": "johndoe@example.com",
            "phone": "+447712345678",
        }
        assert t.notes == []


def test_every_documented_field():
    contact = fixture("bulk_every_field.json")["contacts"][0]
    at = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)

    r = record(contact)

    assert r.fields == {
        "email": "jane.roe@example.com",
        "phone": "+34612345678",
        "external_id": "crm-1001",
        "first_name": "Jane",
        "last_name": "Roe",
        "city": "Madrid",
        "country": "ES",
        "region": "Madrid",
        "postcode": "28001",
        "address_line1": "Calle Mayor 1",
        "language": "ES",
        "gender": "female",
        "birth_date": dt.date(1990, 1, 1),
    }
    assert r.attributes == {
        "device_id": "d-7f3a",
        "facebook_id": "fb-1",
        "facebook_friends": 250,
        "google_id": "g-1",
        "twitter_id": "tw-1",
        "twitter_followers": 12,
        "last_latitude": 40.4168,
        "last_longitude": -3.7038,
        "loyalty_tier": "gold",
    }
    assert r.tags_add == ["vip", "newsletter"]
    assert r.lists_add == [ListRef(public_id="LIST_ONE")]
    assert r.lists_remove == [ListRef(public_id="LIST_TWO")]
    assert r.channels == [ChannelChange("email", "subscribed"), ChannelChange("sms", "blacklisted")]
    assert r.consents == [
        ConsentEvent("terms", True, at=at, ip="203.0.113.7"),
        ConsentEvent("marketing", False, at=at, ip="203.0.113.7"),
    ]
    assert r.paths["external_id"] == "contacts[0].user_id"
    assert r.paths["postcode"] == "contacts[0].zip"
    assert r.paths["attributes.loyalty_tier"] == "contacts[0].loyalty_tier"
    assert r.paths["lists"] == "contacts[0].list_subscriptions"


def test_policies():
    assert bulk_policy(BulkOptions(match_contact_user_id=True)) == UPSERT_POLICY
    assert bulk_policy(BulkOptions()) == CREATE_POLICY
    assert (UPSERT_POLICY.mode, CREATE_POLICY.mode) == ("upsert", "create_only")
    assert UPSERT_POLICY.keys == CREATE_POLICY.keys == ("external_id", "email")


@pytest.mark.parametrize(
    ("contact", "phone"),
    [
        ({"phone": "+44 7712 345678"}, "+447712345678"),
        ({"phone_countrycode": "44", "phone_number": "7712345678"}, "+447712345678"),
        ({"phone_countrycode": "+34", "phone_number": "612 345 678"}, "+34612345678"),
        ({"phone_countrycode": 44, "phone_number": 7712345678}, "+447712345678"),
        ({"phone_countrycode": "39", "phone_number": "0612345678"}, "+390612345678"),
        ({"phone_number": "+447712345678"}, "+447712345678"),
        # `phone` wins over the parts
        ({"phone": "+34612345678", "phone_countrycode": "44", "phone_number": "7712345678"}, "+34612345678"),
    ],
)
def test_phones_are_e164(contact, phone):
    assert record(contact).fields["phone"] == phone


def test_a_bad_full_phone_falls_back_to_the_parts_with_a_note():
    t = contact_translate(0, {"phone": "nope", "phone_countrycode": "44", "phone_number": "7712345678"})

    assert isinstance(t.item, ContactRecord) and t.item.fields["phone"] == "+447712345678"
    assert [(n.path, n.code) for n in t.notes] == [("contacts[0].phone", "invalid_phone")]


def test_a_country_code_without_number_is_noted():
    t = contact_translate(0, {"email": "a@b.io", "phone_countrycode": "44"})

    assert "phone" not in t.item.fields  # type: ignore[union-attr]
    assert [n.code for n in t.notes] == ["incomplete_phone"]


def test_a_national_number_without_country_code_uses_the_default_region():
    assert record({"phone_number": "07712 345678"}, default_region="GB").fields["phone"] == "+447712345678"


def test_no_email_nor_phone_skips_the_contact():
    item = rejected({"name_first": "Ann", "user_id": "u1"})

    assert item.outcome == "skipped"
    assert item.identity == "u1"
    assert [(i.path, i.code, i.severity) for i in item.issues] == [
        ("contacts[0]", "missing_identity", "error")
    ]


def test_an_invalid_email_goes_to_the_ingest_as_sent_when_there_is_a_phone():
    # The ingest drops it with its own `invalid_email` warning, at the path given here.
    r = record({"email": "not-an-email", "phone": "+447712345678"})

    assert r.fields["email"] == "not-an-email"
    assert r.paths["email"] == "contacts[0].email"


def test_an_invalid_email_without_phone_skips_the_contact():
    assert [i.code for i in rejected({"email": "not-an-email", "user_id": "u1"}).issues] == [
        "missing_identity"
    ]


def test_an_invalid_phone_without_email_skips_the_contact():
    assert [i.code for i in rejected({"phone_countrycode": "44", "phone_number": "12"}).issues] == [
        "missing_identity"
    ]


def test_validate_emails_checks_the_domain_when_a_check_is_given():
    checked: list[str] = []

    def accepts(domain: str) -> bool:
        checked.append(domain)
        return domain != "nowhere.example"

    options = BulkOptions(validate_emails=True)
    contacts = [
        {"email": "a@nowhere.example", "phone": "+447712345678"},
        {"email": "b@nowhere.example"},
        {"email": "c@fine.example"},
    ]
    kept, skipped, fine = bulk_translate(contacts, options, domain_check=accepts)

    assert isinstance(kept.item, ContactRecord) and "email" not in kept.item.fields
    assert [(n.path, n.code) for n in kept.notes] == [("contacts[0].email", "invalid_email")]
    assert isinstance(skipped.item, ItemRejected)
    assert [i.code for i in skipped.item.issues] == ["missing_identity", "invalid_email"]
    assert isinstance(fine.item, ContactRecord) and fine.item.fields["email"] == "c@fine.example"
    assert checked == ["nowhere.example", "nowhere.example", "fine.example"]


def test_without_validate_emails_the_domain_is_not_checked():
    def never(domain: str) -> bool:
        raise AssertionError("no lookup without validate_emails")

    (t,) = bulk_translate([{"email": "a@b.io"}], BulkOptions(), domain_check=never)

    assert isinstance(t.item, ContactRecord)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("born_date", "2025-02-30", "invalid_date"),
        ("born_date", "yesterday", "invalid_date"),
        ("gdpr_date", "2025-13-01T00:00:00Z", "invalid_date"),
        ("gender", "OTHER", "invalid_gender"),
        ("user_id", "u" * 256, "invalid_user_id"),
    ],
)
def test_bad_values_skip_the_contact_naming_the_field(field, value, code):
    item = rejected({"email": "a@b.io", field: value})

    assert [(i.path, i.code) for i in item.issues] == [(f"contacts[0].{field}", code)]
    assert item.identity == ("a@b.io" if field != "user_id" else "u" * 255)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("1990-01-01T00:00:00Z", dt.date(1990, 1, 1)),
        ("1990-01-01", dt.date(1990, 1, 1)),
        ("1990-01-01T23:30:00-05:00", dt.date(1990, 1, 1)),  # the date as written
    ],
)
def test_born_date_is_iso_8601(value, date):
    assert record({"email": "a@b.io", "born_date": value}).fields["birth_date"] == date


def test_gender_and_language_in_any_case():
    r = record({"email": "a@b.io", "gender": "male", "language": "es"})

    assert (r.fields["gender"], r.fields["language"]) == ("male", "es")


def test_null_clears_and_absent_keeps():
    r = record({"email": "a@b.io", "name_first": None, "gender": None, "born_date": None})

    assert r.fields == {"email": "a@b.io", "first_name": None, "gender": None, "birth_date": None}


def test_a_gdpr_date_alone_is_midnight_utc_and_consent_without_date_is_now():
    r = record({"email": "a@b.io", "gdpr_accept_terms": True, "gdpr_date": "2024-05-01"})
    undated = record({"email": "a@b.io", "gdpr_marketing_consent": True})

    assert r.consents == [ConsentEvent("terms", True, at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))]
    assert undated.consents == [ConsentEvent("marketing", True)]


def test_a_bad_remote_ip_is_noted_and_the_consent_kept():
    t = contact_translate(0, {"email": "a@b.io", "gdpr_accept_terms": True, "gdpr_remote_ip": "999.1.1.1"})

    assert isinstance(t.item, ContactRecord)
    assert t.item.consents == [ConsentEvent("terms", True)]
    assert [(n.path, n.code) for n in t.notes] == [("contacts[0].gdpr_remote_ip", "invalid_ip")]


def test_an_unknown_channel_is_noted_and_ignored():
    t = contact_translate(
        0, {"email": "a@b.io", "channel_subscriptions": [{"channel": "fax"}, {"channel": "PUSH"}]}
    )

    assert isinstance(t.item, ContactRecord)
    assert t.item.channels == [ChannelChange("push", "subscribed")]
    assert [(n.path, n.code) for n in t.notes] == [
        ("contacts[0].channel_subscriptions[0].channel", "invalid_channel")
    ]


def test_a_list_entry_without_subscribed_subscribes():
    r = record({"email": "a@b.io", "list_subscriptions": [{"list_id": 42}]})

    assert r.lists_add == [ListRef(public_id="42")]


def test_a_blank_user_id_is_no_id():
    assert "external_id" not in record({"email": "a@b.io", "user_id": " "}).fields


def test_items_keep_their_index_in_paths():
    items = bulk_translate([{"email": "a@b.io"}, {"name_first": "x"}], BulkOptions())

    assert isinstance(items[1].item, ItemRejected)
    assert items[1].item.issues[0].path == "contacts[1]"
