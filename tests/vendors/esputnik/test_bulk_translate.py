"""The bulk request's shape and the job's plan, from the fixtures. Pure: no database."""

from __future__ import annotations

import copy

import orjson
import pytest

from apps.attributes.definition_rows import AttributeRow
from apps.core.errors import ApplicationError
from apps.imports.registry import ItemRejected, bulk_dialect_get
from apps.ingest.records import ContactRecord, ListRef
from apps.vendors.esputnik import bulk
from apps.vendors.esputnik.bulk import bulk_policy
from apps.vendors.esputnik.bulk_translate import (
    MAX_CONTACTS,
    bulk_request_parse,
    field_codenames,
    field_ids_referenced,
    group_ids_needing_lookup,
    job_options,
    options_codenames,
)
from tests.vendors.esputnik.bulk_helpers import contact_item


def _row(pk: int, codename: str, builtin: bool = False) -> AttributeRow:
    return AttributeRow(pk, codename, "string", (), False, builtin)


def _errors(body) -> list[tuple[str, str]]:
    with pytest.raises(ApplicationError) as caught:
        bulk_request_parse(body)
    assert caught.value.status == 400
    return [(d.path, d.code) for d in caught.value.details]


def _only_record(plan) -> ContactRecord:
    [record] = plan.items
    assert isinstance(record, ContactRecord)
    return record


def test_the_dialect_is_registered_with_the_import_runner():
    assert bulk_dialect_get("esputnik").plan is bulk.contacts_plan


def test_yespo_docs_example_becomes_one_record_matched_on_its_external_id(yespo_bulk):
    plan = bulk.contacts_plan(yespo_bulk, {})

    record = _only_record(plan)
    assert record.fields == {
        "first_name": "John",
        "last_name": "Smith",
        "email": "john@example.com",
        "language": "en-US",
        "timezone": "Europe/Kyiv",
        "external_id": "543323",
    }
    policy = plan.policy
    assert (policy.keys, policy.mode, policy.restore_deleted) == (("external_id",), "upsert", False)
    assert (policy.invalid_values, policy.unknown_keys) == ("reject", "drop")
    assert (policy.overwrite_fields, policy.overwrite_attributes) == (None, None)


def test_the_plan_is_made_from_the_stored_bytes_and_the_job_options(yespo_bulk):
    stored = orjson.loads(orjson.dumps(yespo_bulk))
    options = orjson.loads(orjson.dumps(job_options({}, [])))

    assert _only_record(bulk.contacts_plan(stored, options)).fields["external_id"] == "543323"


def test_seed_contact_verbatim_is_an_item_rejected_naming_its_placeholder_values(seed):
    plan = bulk.contacts_plan({"contacts": [seed], "dedupeOn": "externalCustomerId"}, {})

    [item] = plan.items
    assert isinstance(item, ItemRejected)
    assert item.outcome == "skipped"
    assert item.identity == "EM12790"
    assert [(i.path, i.code) for i in item.issues] == [
        ("contacts[0].channels[0].value", "invalid_email"),
        ("contacts[0].channels[1].value", "invalid_phone"),
    ]


def test_seed_group_with_an_unknown_id_is_the_list_of_its_name(seed_bulk):
    options = job_options({}, ["1001"])

    record = _only_record(bulk.contacts_plan(seed_bulk, options))

    assert record.lists_add == [ListRef(name="Newsletter Subscribers", create=True)]
    assert record.attributes == {"birthDate": "1990-01-01", "loyaltyLevel": "Gold"}


def test_seed_group_with_a_known_id_is_that_list(seed_bulk):
    record = _only_record(bulk.contacts_plan(seed_bulk, job_options({}, [])))

    assert record.lists_add == [ListRef(public_id="1001")]


@pytest.mark.parametrize(
    ("dedupe_on", "key", "mode"),
    [
        ("email", "email", "upsert"),
        ("sms", "phone", "upsert"),
        ("externalCustomerId", "external_id", "upsert"),
        ("id", "pk", "update_only"),
        ("EMAIL", "email", "upsert"),
    ],
)
def test_dedupe_on_is_the_one_match_key(dedupe_on, key, mode):
    request = bulk_request_parse({"contacts": [{}], "dedupeOn": dedupe_on})
    policy = bulk_policy(request, {})

    assert (policy.keys, policy.mode) == ((key,), mode)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], [("", "invalid_type")]),
        ({"dedupeOn": "email"}, [("contacts", "required")]),
        ({"contacts": {"a": 1}, "dedupeOn": "email"}, [("contacts", "invalid_type")]),
        ({"contacts": [], "dedupeOn": "email"}, [("contacts", "required")]),
        ({"contacts": [{}] * (MAX_CONTACTS + 1), "dedupeOn": "email"}, [("contacts", "too_many")]),
        (
            {"contacts": [{}, "x", None], "dedupeOn": "email"},
            [("contacts[1]", "invalid_type"), ("contacts[2]", "invalid_type")],
        ),
        ({"contacts": [{}]}, [("dedupeOn", "required")]),
        ({"contacts": [{}], "dedupeOn": "phone"}, [("dedupeOn", "invalid_choice")]),
        ({"contacts": [{}], "dedupeOn": 5}, [("dedupeOn", "invalid_choice")]),
        (
            {"contacts": [{}], "dedupeOn": "email", "contactFields": "firstName"},
            [("contactFields", "invalid_type")],
        ),
        (
            {"contacts": [{}], "dedupeOn": "email", "contactFields": ["firstName", "nickname", 3]},
            [("contactFields[1]", "invalid_choice"), ("contactFields[2]", "invalid_choice")],
        ),
        (
            {"contacts": [{}], "dedupeOn": "email", "customFieldsIDs": [1, "x", -2, True]},
            [
                ("customFieldsIDs[1]", "invalid"),
                ("customFieldsIDs[2]", "invalid"),
                ("customFieldsIDs[3]", "invalid"),
            ],
        ),
        (
            {"contacts": [{}], "dedupeOn": "email", "groupNames": ["VIP", "", 7]},
            [
                ("groupNames[1]", "invalid"),
                ("groupNames[2]", "invalid"),
            ],
        ),
        ({"contacts": [{}], "dedupeOn": "email", "groupNames": ["x" * 256]}, [("groupNames[0]", "too_long")]),
        (
            {
                "contacts": [{}],
                "dedupeOn": "email",
                "groupNames": ["VIP"],
                "groupNamesExclude": ["Old", "VIP"],
            },
            [("groupNamesExclude[1]", "conflict")],
        ),
        (
            {"contacts": [{}], "dedupeOn": "email", "restoreDeleted": "yes"},
            [("restoreDeleted", "invalid_type")],
        ),
    ],
)
def test_request_shape_errors_name_the_field(body, expected):
    assert _errors(body) == expected


def test_every_shape_error_of_a_request_is_listed():
    assert _errors({"contacts": "x", "dedupeOn": "fax", "restoreDeleted": 1}) == [
        ("contacts", "invalid_type"),
        ("dedupeOn", "invalid_choice"),
        ("restoreDeleted", "invalid_type"),
    ]


def test_unknown_top_level_keys_of_esputnik_are_ignored():
    request = bulk_request_parse(
        {"contacts": [{}], "dedupeOn": "email", "eventKeyForNewContacts": "newContact", "customerInfo": {}}
    )

    assert request.dedupe_on == "email"


def test_contact_fields_name_the_standard_fields_that_may_overwrite():
    request = bulk_request_parse(
        {"contacts": [{}], "dedupeOn": "email", "contactFields": ["firstName", "sms", "town", "languageCode"]}
    )

    assert bulk_policy(request, {}).overwrite_fields == {"first_name", "phone", "city", "language"}


def test_contact_field_address_is_the_whole_address():
    request = bulk_request_parse({"contacts": [{}], "dedupeOn": "email", "contactFields": ["address"]})

    assert bulk_policy(request, {}).overwrite_fields == {
        "city",
        "region",
        "country",
        "postcode",
        "address_line1",
    }


def test_empty_contact_fields_let_no_standard_field_overwrite():
    request = bulk_request_parse({"contacts": [{}], "dedupeOn": "email", "contactFields": []})

    assert bulk_policy(request, {}).overwrite_fields == frozenset()


def test_custom_field_ids_name_the_attributes_that_may_overwrite():
    request = bulk_request_parse(
        {"contacts": [{}], "dedupeOn": "email", "contactFields": ["firstName"], "customFieldsIDs": [7, "9"]}
    )

    policy = bulk_policy(request, {7: "tier", 9: "company"})

    assert policy.overwrite_attributes == {"tier", "company"}
    # `company` is a built-in field, a contact column: it may overwrite as a standard field too.
    assert policy.overwrite_fields == {"first_name", "company"}


def test_an_unknown_custom_field_id_is_a_400_naming_it():
    request = bulk_request_parse({"contacts": [{}], "dedupeOn": "email", "customFieldsIDs": [7, 8]})

    with pytest.raises(ApplicationError) as caught:
        field_codenames(request, [_row(7, "tier")])

    assert [(d.path, d.code) for d in caught.value.details] == [("customFieldsIDs[1]", "unknown_field")]


def test_the_field_ids_and_group_ids_a_request_names_are_found_in_its_contacts():
    request = bulk_request_parse(
        {
            "contacts": [
                {"fields": [{"id": 3, "value": "a"}, {"name": "x", "value": 1}, {"id": "4", "value": "b"}]},
                {"groups": [{"id": 1001, "name": "News"}, {"id": "L1"}, {"name": "Only name"}]},
                {"fields": "not a list", "groups": [None]},
            ],
            "dedupeOn": "email",
            "customFieldsIDs": [5],
        }
    )

    assert field_ids_referenced(request) == {3, 4, 5}
    assert group_ids_needing_lookup(request) == ["1001"]
    rows = [_row(3, "tier"), _row(5, "score"), _row(6, "unused")]
    assert field_codenames(request, rows) == {3: "tier", 5: "score"}


def test_job_options_survive_json_and_give_the_codenames_back():
    options = orjson.loads(orjson.dumps(job_options({12: "tier"}, ["b", "a"])))

    assert options == {"field_codenames": {"12": "tier"}, "missing_group_ids": ["a", "b"]}
    assert options_codenames(options) == {12: "tier"}


def test_fields_by_id_take_their_codenames_and_unknown_ids_are_reported_by_the_ingest():
    item = contact_item("a@example.com", fields=[{"id": 12, "value": "Gold"}, {"id": 99, "value": "x"}])

    plan = bulk.contacts_plan({"contacts": [item], "dedupeOn": "email"}, job_options({12: "tier"}, []))

    record = _only_record(plan)
    assert record.attributes == {"tier": "Gold", "field id 99": "x"}
    assert record.paths["attributes.tier"] == "contacts[0].fields[0].value"
    assert record.paths["attributes.field id 99"] == "contacts[0].fields[1].id"


@pytest.mark.parametrize(
    ("dedupe_on", "item", "path"),
    [
        ("email", {"channels": [{"type": "sms", "value": "+380501234567"}]}, "contacts[0].channels"),
        ("sms", contact_item("a@example.com"), "contacts[0].channels"),
        ("externalCustomerId", contact_item("a@example.com"), "contacts[0].externalCustomerId"),
        (
            "externalCustomerId",
            contact_item("a@example.com", externalCustomerId=None),
            "contacts[0].externalCustomerId",
        ),
        ("id", contact_item("a@example.com"), "contacts[0].id"),
    ],
)
def test_a_contact_without_the_dedupe_key_is_rejected(dedupe_on, item, path):
    plan = bulk.contacts_plan({"contacts": [item], "dedupeOn": dedupe_on}, {})

    [rejected] = plan.items
    assert isinstance(rejected, ItemRejected)
    assert [(i.path, i.code) for i in rejected.issues] == [(path, "dedupe_key_missing")]


def test_dedupe_on_id_matches_by_the_contacts_numeric_id():
    item = contact_item("a@example.com", id="42", firstName="Ann")

    record = _only_record(bulk.contacts_plan({"contacts": [item], "dedupeOn": "id"}, {}))

    assert record.pk == 42


def test_group_names_are_added_to_and_excluded_from_every_contact():
    body = {
        "contacts": [contact_item("a@example.com"), contact_item("b@example.com", groups=[{"name": "Own"}])],
        "dedupeOn": "email",
        "groupNames": ["VIP", " VIP ", "News"],
        "groupNamesExclude": ["Old"],
    }

    plan = bulk.contacts_plan(body, {})

    first, second = plan.items
    assert isinstance(first, ContactRecord) and isinstance(second, ContactRecord)
    vip, news = ListRef(name="VIP", create=True), ListRef(name="News", create=True)
    assert first.lists_add == [vip, news]
    assert second.lists_add == [ListRef(name="Own", create=True), vip, news]
    assert first.lists_remove == second.lists_remove == [ListRef(name="Old")]


def test_one_bad_contact_does_not_reject_the_others():
    body = {
        "contacts": [
            contact_item("a@example.com"),
            contact_item("not-an-email"),
            contact_item("c@example.com"),
        ],
        "dedupeOn": "email",
    }

    items = bulk.contacts_plan(body, {}).items

    assert [type(i).__name__ for i in items] == ["ContactRecord", "ItemRejected", "ContactRecord"]
    rejected = items[1]
    assert isinstance(rejected, ItemRejected)
    assert [(i.path, i.code) for i in rejected.issues] == [("contacts[1].channels[0].value", "invalid_email")]


def test_restore_deleted_is_passed_to_the_policy():
    body = {"contacts": [contact_item("a@example.com")], "dedupeOn": "email", "restoreDeleted": True}

    assert bulk.contacts_plan(body, {}).policy.restore_deleted is True


def test_the_plan_never_writes_into_the_payload(seed_bulk):
    before = copy.deepcopy(seed_bulk)

    bulk.contacts_plan(seed_bulk, job_options({}, ["1001"]))

    assert seed_bulk == before
