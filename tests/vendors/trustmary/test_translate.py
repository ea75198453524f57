"""translate.py: Trustmary request JSON → canonical records and queries, without a database."""

from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.ingest.records import ListRef
from apps.vendors.trustmary.translate import (
    contact_delete_translate,
    contact_upsert_translate,
    contacts_query_translate,
    lists_query_translate,
    split_name,
    upsert_policy,
)
from tests.vendors.trustmary.conftest import REAL_EMAIL, SEED_EMAIL, fixture


def seed_request() -> dict:
    body = fixture("create_contact_request.json")
    body["email"] = REAL_EMAIL
    return body


def paths(error: ApplicationError) -> list[str]:
    return [d.path for d in error.details]


def test_seed_request_becomes_one_record():
    upsert = contact_upsert_translate(seed_request())

    assert upsert.record.fields == {
        "email": REAL_EMAIL,
        "full_name": "Contact Name",
        "phone": "+358501234567",
        "company": "Company Ltd",
        "type": "customer",
    }
    assert upsert.record.lists_add == [ListRef(public_id="MDyzFBay3")]
    assert upsert.list_paths == {"MDyzFBay3": "addToLists[0]"}


def test_seed_request_verbatim_has_the_pages_scrubbed_address():
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate(fixture("create_contact_request.json"))

    assert caught.value.status == 400
    assert paths(caught.value) == ["email"]
    assert SEED_EMAIL in caught.value.message


def test_email_is_trimmed_and_lower_cased():
    upsert = contact_upsert_translate({"email": "  Anna.Virtanen@Example.COM "})

    assert upsert.record.fields["email"] == "anna.virtanen@example.com"


@pytest.mark.parametrize("body", [{}, {"email": None}, {"name": "No Email"}])
def test_email_is_required(body):
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate(body)

    assert paths(caught.value) == ["email"]
    assert caught.value.details[0].code == "required"


@pytest.mark.parametrize("email", ["not-an-email", "", 42, ["a@example.com"], "a@b"])
def test_invalid_email_is_named(email):
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": email})

    assert caught.value.status == 400
    assert paths(caught.value) == ["email"]


@pytest.mark.parametrize("body", [[], "text", None, 3])
def test_body_must_be_an_object(body):
    with pytest.raises(ApplicationError):
        contact_upsert_translate(body)


@pytest.mark.parametrize("value", ["customer", "employee", "Employee"])
def test_type_customer_or_employee(value):
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "type": value})

    assert upsert.record.fields["type"] == value.lower()


@pytest.mark.parametrize("value", ["partner", "", None, 1])
def test_other_type_is_400(value):
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": REAL_EMAIL, "type": value})

    assert paths(caught.value) == ["type"]


def test_type_absent_leaves_it_alone():
    assert "type" not in contact_upsert_translate({"email": REAL_EMAIL}).record.fields


def test_eid_is_the_external_id():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "eid": "crm-42"})

    assert upsert.record.fields["external_id"] == "crm-42"
    assert upsert.record.path("external_id") == "eid"


def test_null_clears_and_absent_keeps():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "company": None, "phone": None})

    assert upsert.record.fields == {"email": REAL_EMAIL, "company": None, "phone": None}


def test_invalid_phone_is_named():
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": REAL_EMAIL, "phone": "call me"})

    assert paths(caught.value) == ["phone"]


def test_phone_uses_the_default_region():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "phone": "050 1234567"}, phone_region="FI")

    assert upsert.record.fields["phone"] == "+358501234567"


def test_too_long_name_is_named():
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": REAL_EMAIL, "name": "x" * 256})

    assert paths(caught.value) == ["name"]


def test_process_name_splits_first_and_last():
    upsert = contact_upsert_translate(
        {"email": REAL_EMAIL, "name": "Ludwig van Beethoven", "processName": True}
    )

    assert upsert.record.fields["full_name"] == "Ludwig van Beethoven"
    assert upsert.record.fields["first_name"] == "Ludwig"
    assert upsert.record.fields["last_name"] == "van Beethoven"


def test_without_process_name_only_the_full_name_is_set():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "name": "Contact Name"})

    assert "first_name" not in upsert.record.fields
    assert "last_name" not in upsert.record.fields


def test_process_name_must_be_boolean():
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": REAL_EMAIL, "name": "A B", "processName": "yes"})

    assert paths(caught.value) == ["processName"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Anna", ("Anna", None)), ("  Anna   Virtanen ", ("Anna", "Virtanen")), ("", (None, None))],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_older_add_to_list_spelling_and_object_items():
    upsert = contact_upsert_translate(
        {
            "email": REAL_EMAIL,
            "addToList": ["old1"],
            "addToLists": [{"id": "new1", "segment": "vip"}, "new2", "old1"],
        }
    )

    assert [r.public_id for r in upsert.record.lists_add] == ["new1", "new2", "old1"]
    assert upsert.list_paths == {"new1": "addToLists[0].id", "new2": "addToLists[1]", "old1": "addToLists[2]"}


def test_remove_from_lists():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "removeFromLists": ["gone1"]})

    assert upsert.record.lists_remove == [ListRef(public_id="gone1")]
    assert upsert.list_paths == {"gone1": "removeFromLists[0]"}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"addToLists": "abc"}, "addToLists"),
        ({"addToLists": ["ok", 3]}, "addToLists[1]"),
        ({"addToLists": [{"segment": "x"}]}, "addToLists[0].id"),
        ({"addToList": [""]}, "addToList[0]"),
        ({"removeFromLists": [None]}, "removeFromLists[0]"),
    ],
)
def test_bad_list_items_are_named(body, path):
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": REAL_EMAIL, **body})

    assert paths(caught.value) == [path]


def test_custom_fields_become_attributes_with_their_vendor_path():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "field_score": 9, "field_plan": None})

    assert upsert.record.attributes == {"score": 9, "plan": None}
    assert upsert.record.path("attributes.score") == "field_score"


def test_unknown_keys_are_ignored():
    upsert = contact_upsert_translate({"email": REAL_EMAIL, "status": "active", "id": "x"})

    assert upsert.record.fields == {"email": REAL_EMAIL}


def test_every_problem_is_reported_at_once():
    with pytest.raises(ApplicationError) as caught:
        contact_upsert_translate({"email": "bad", "type": "boss", "addToLists": [1]})

    assert paths(caught.value) == ["email", "type", "addToLists[0]"]
    assert caught.value.message.startswith("email: ")


def test_upsert_matches_on_email_and_rejects_bad_values():
    policy = upsert_policy(dry_run=True)

    assert policy.keys == ("email",)
    assert policy.invalid_values == "reject"
    assert policy.unknown_keys == "reject"
    assert policy.restore_deleted
    assert policy.dry_run


def test_delete_translate_seed_sample_is_not_an_email():
    with pytest.raises(ApplicationError) as caught:
        contact_delete_translate(fixture("delete_contact_request.json"))

    assert paths(caught.value) == ["email"]


def test_delete_translate_normalises():
    assert contact_delete_translate({"email": " A@Example.com"}) == "a@example.com"


def test_delete_translate_requires_email():
    with pytest.raises(ApplicationError) as caught:
        contact_delete_translate({})

    assert paths(caught.value) == ["email"]


def test_contacts_query_defaults():
    query = contacts_query_translate({})

    assert (query.email, query.offset, query.include_deleted) == (None, 0, False)


def test_contacts_query_values():
    query = contacts_query_translate({"email": " A@Example.com ", "offset": "1000", "includeAll": "true"})

    assert (query.email, query.offset, query.include_deleted) == ("a@example.com", 1000, True)


@pytest.mark.parametrize(
    ("params", "path"),
    [({"offset": "-1"}, "offset"), ({"offset": "x"}, "offset"), ({"includeAll": "maybe"}, "includeAll")],
)
def test_contacts_query_bad_values_are_named(params, path):
    with pytest.raises(ApplicationError) as caught:
        contacts_query_translate(params)

    assert paths(caught.value) == [path]


def test_lists_query():
    query = lists_query_translate({"offset": "2000", "type": "static"})

    assert (query.offset, query.type) == (2000, "static")
