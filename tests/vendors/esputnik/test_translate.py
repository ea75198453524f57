"""translate.py is pure: eSputnik JSON → canonical records and parameters, no database."""

from __future__ import annotations

import copy

import pytest

from apps.attributes.definition_rows import AttributeRow
from apps.ingest.records import ChannelChange, ListRef
from apps.vendors.esputnik.translate import (
    contact_to_record,
    fields_by_id_attach,
    groups_needing_lookup,
    groups_resolve,
    ingest_definitions,
    upsert_policy,
)


def paths(translation) -> list[str]:
    return [p.path for p in translation.problems]


def test_seed_becomes_one_record(seed_storable):
    translation = contact_to_record(seed_storable)

    record = translation.record
    assert translation.ok
    assert record.fields == {
        "first_name": "John",
        "last_name": "Smith",
        "external_id": "EM12790",
        "email": "john.smith@example.com",
        "phone": "+12125550123",
        "language": "en",
        "timezone": "America/New_York",
        "city": "New York",
        "region": "NY",
        "country": "US",
        "postcode": "10001",
        "address_line1": "123 Main Street",
    }
    assert record.attributes == {"birthDate": "1990-01-01", "loyaltyLevel": "Gold"}
    assert record.channels == [
        ChannelChange("email", "subscribed", "john.smith@example.com"),
        ChannelChange("sms", "subscribed", "+12125550123"),
        ChannelChange("webpush", "subscribed", "subscription-id-12345"),
    ]
    assert record.lists_add == [ListRef(public_id="1001", name="Newsletter Subscribers", create=True)]
    assert record.text_values is True  # eSputnik sends field values as text


def test_seed_verbatim_names_its_two_placeholder_channel_values(seed):
    translation = contact_to_record(seed)

    assert paths(translation) == ["channels[0].value", "channels[1].value"]
    assert [p.code for p in translation.problems] == ["invalid_email", "invalid_phone"]


def test_vendor_paths_are_kept_for_the_ingest_issues(seed_storable):
    record = contact_to_record(seed_storable).record

    assert record.path("email") == "channels[0].value"
    assert record.path("phone") == "channels[1].value"
    assert record.path("external_id") == "externalCustomerId"
    assert record.path("postcode") == "address.postalCode"
    assert record.path("attributes.loyaltyLevel") == "fields[1].value"
    assert record.path("lists") == "groups"


def test_paths_sit_under_the_bulk_prefix(seed):
    translation = contact_to_record(seed, "contacts[3]")

    assert paths(translation) == ["contacts[3].channels[0].value", "contacts[3].channels[1].value"]


def test_plugin_address_spelling_is_the_same_address():
    item = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "address": {"town": "Kyiv", "region": "Kyiv", "postcode": 1001, "address": "Khreshchatyk 1"},
    }

    fields = contact_to_record(item).record.fields

    assert (fields["city"], fields["postcode"], fields["address_line1"]) == ("Kyiv", "1001", "Khreshchatyk 1")


def test_both_spellings_of_one_address_part_must_agree():
    item = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "address": {"city": "Kyiv", "town": "Lviv"},
    }

    assert paths(contact_to_record(item)) == ["address.town"]


def test_null_address_clears_every_part():
    item = {"channels": [{"type": "email", "value": "a@example.com"}], "address": None}

    fields = contact_to_record(item).record.fields

    assert {
        k: fields[k] for k in ("city", "region", "country", "postcode", "address_line1")
    } == dict.fromkeys(("city", "region", "country", "postcode", "address_line1"))


def test_absent_keys_leave_stored_values_and_null_clears():
    item = {"channels": [{"type": "email", "value": "a@example.com"}], "lastName": None, "timeZone": None}

    fields = contact_to_record(item).record.fields

    assert fields == {"email": "a@example.com", "last_name": None, "timezone": None}


@pytest.mark.parametrize("spelling", ["webpush", "webPush", "WEBPUSH"])
def test_web_push_is_spelled_either_way(spelling):
    item = {"externalCustomerId": "x1", "channels": [{"type": spelling, "value": "tok"}]}

    assert contact_to_record(item).record.channels == [ChannelChange("webpush", "subscribed", "tok")]


def test_mobile_push_token_is_a_subscription_and_its_device_is_ignored():
    item = {
        "externalCustomerId": "x1",
        "channels": [{"type": "mobilepush", "value": " 8900-7654 ", "device": {"appId": "a"}}],
    }

    assert contact_to_record(item).record.channels == [ChannelChange("mobilepush", "subscribed", "8900-7654")]


@pytest.mark.parametrize(
    ("channels", "path", "code"),
    [
        (None, "channels", "required"),
        ([], "channels", "required"),
        ({"type": "email"}, "channels", "invalid_type"),
        (["a@example.com"], "channels[0]", "invalid_type"),
        ([{"value": "a@example.com"}], "channels[0].type", "required"),
        ([{"type": "viber", "value": "x"}], "channels[0].type", "invalid_choice"),
        ([{"type": "email"}], "channels[0].value", "required"),
        ([{"type": "email", "value": "not-an-address"}], "channels[0].value", "invalid_email"),
        ([{"type": "sms", "value": "12"}], "channels[0].value", "invalid_phone"),
        ([{"type": "webpush", "value": 12}], "channels[0].value", "invalid_type"),
        ([{"type": "webpush", "value": "x" * 513}], "channels[0].value", "too_long"),
    ],
)
def test_bad_channels_are_named(channels, path, code):
    item = {"externalCustomerId": "x1", "channels": channels}

    translation = contact_to_record(item)

    assert [(p.path, p.code) for p in translation.problems] == [(path, code)]


def test_a_second_email_channel_is_refused():
    item = {
        "channels": [{"type": "email", "value": "a@example.com"}, {"type": "email", "value": "b@example.com"}]
    }

    assert paths(contact_to_record(item)) == ["channels[1].type"]


def test_a_token_only_contact_has_nothing_to_be_stored_by():
    translation = contact_to_record({"channels": [{"type": "webpush", "value": "tok"}]})

    assert [(p.path, p.code) for p in translation.problems] == [("channels", "no_identity")]


def test_unknown_time_zone_and_bad_language_are_named():
    item = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "timeZone": "Mars/Olympus_Mons",
        "languageCode": "english!",
    }

    problems = contact_to_record(item).problems

    assert [(p.path, p.code) for p in problems] == [
        ("languageCode", "invalid_language"),
        ("timeZone", "unknown_time_zone"),
    ]


def test_an_empty_external_id_is_not_a_request_to_clear_it():
    item = {"externalCustomerId": "  ", "channels": [{"type": "email", "value": "a@example.com"}]}

    assert "external_id" not in contact_to_record(item).record.fields


def test_a_too_long_name_is_named():
    item = {"channels": [{"type": "email", "value": "a@example.com"}], "firstName": "x" * 256}

    assert paths(contact_to_record(item)) == ["firstName"]


def test_a_non_object_is_one_problem_at_its_path():
    assert paths(contact_to_record(["x"], "contacts[0]")) == ["contacts[0]"]


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"name": "x"}, "fields"),
        (["x"], "fields[0]"),
        ([{"name": "x"}], "fields[0].value"),
        ([{"value": 1}], "fields[0]"),
        ([{"name": " ", "value": 1}], "fields[0]"),
        ([{"id": "twelve", "value": 1}], "fields[0].id"),
        ([{"id": -3, "value": 1}], "fields[0].id"),
    ],
)
def test_bad_fields_are_named(fields, path):
    item = {"externalCustomerId": "x1", "channels": [{"type": "webpush", "value": "t"}], "fields": fields}

    assert paths(contact_to_record(item)) == [path]


def test_fields_by_id_wait_for_the_workspace_ids_then_unknown_ids_warn():
    item = {
        "externalCustomerId": "x1",
        "channels": [{"type": "webpush", "value": "t"}],
        "fields": [{"id": 12, "value": "Gold"}, {"id": "99", "value": "x"}, {"name": "note", "value": "hi"}],
    }
    translation = contact_to_record(item)
    assert translation.record.attributes == {"note": "hi"}

    warnings = fields_by_id_attach(translation, {12: "loyaltyLevel"})

    assert translation.record.attributes == {"note": "hi", "loyaltyLevel": "Gold"}
    assert translation.record.path("attributes.loyaltyLevel") == "fields[0].value"
    assert [(w.path, w.code, w.severity) for w in warnings] == [
        ("fields[1].id", "unknown_attribute", "warning")
    ]


@pytest.mark.parametrize(
    ("groups", "path"),
    [
        ({"name": "x"}, "groups"),
        (["x"], "groups[0]"),
        ([{}], "groups[0]"),
        ([{"id": True}], "groups[0].id"),
        ([{"name": ""}], "groups[0].name"),
        ([{"name": "x" * 256}], "groups[0].name"),
    ],
)
def test_bad_groups_are_named(groups, path):
    item = {"externalCustomerId": "x1", "channels": [{"type": "webpush", "value": "t"}], "groups": groups}

    assert paths(contact_to_record(item)) == [path]


def test_groups_by_id_by_name_and_both():
    item = {
        "externalCustomerId": "x1",
        "channels": [{"type": "webpush", "value": "t"}],
        "groups": [
            {"id": "AbC123"},
            {"name": "VIP"},
            {"id": 1001, "name": "Newsletter"},
            {"id": 7, "name": "Known"},
        ],
    }
    record = contact_to_record(item).record
    assert groups_needing_lookup(record) == ["1001", "7"]

    groups_resolve(record, missing_public_ids=["1001"])

    assert record.lists_add == [
        ListRef(public_id="AbC123"),
        ListRef(name="VIP", create=True),
        ListRef(name="Newsletter", create=True),
        ListRef(public_id="7"),
    ]


def test_the_contact_id_is_kept_for_matching_by_id():
    item = {"id": 42, "channels": [{"type": "webpush", "value": "t"}]}

    translation = contact_to_record(item)

    assert translation.ok  # an id is an identity for the bulk endpoint's dedupeOn=id
    assert translation.record.pk == 42


def test_policy_matches_external_id_then_email_then_phone_and_rejects_bad_values():
    policy = upsert_policy(dry_run=True)

    assert policy.keys == ("external_id", "email", "phone")
    assert (policy.invalid_values, policy.unknown_keys, policy.restore_deleted, policy.dry_run) == (
        "reject",
        "drop",
        True,
        True,
    )


def test_ingest_definitions_come_from_the_rows():
    rows = [AttributeRow(3, "level", "choice", ("a", "b"), False, False)]

    defs = ingest_definitions(rows)

    assert defs.attributes["level"].type == "choice"
    assert defs.attributes["level"].choices == ("a", "b")
    assert defs.metrics == {}


def test_translation_does_not_change_its_input(seed):
    before = copy.deepcopy(seed)

    contact_to_record(seed)

    assert seed == before
