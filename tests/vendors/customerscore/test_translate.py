"""Pure translator tests (no database), from the captured bodies."""

from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.vendors.customerscore import translate
from tests.vendors.customerscore.conftest import fixture


def details(exc: pytest.ExceptionInfo[ApplicationError]) -> list[tuple[str, str]]:
    return [(d.path, d.code) for d in exc.value.details]


def test_create_body_becomes_a_record_of_the_customer():
    record = translate.contact_create_record("12345", fixture("contact_create.json"))

    assert record.fields == {"external_id": "C12345", "full_name": "John Doe"}
    assert record.customer_external_id == "12345"
    assert record.attributes == {}
    assert record.path("full_name") == "name"


def test_the_name_is_never_split():
    record = translate.contact_create_record("12345", {"external_id": "C1", "name": "Jan van der Berg"})

    assert "first_name" not in record.fields
    assert "last_name" not in record.fields
    assert record.fields["full_name"] == "Jan van der Berg"


def test_create_passes_attributes_on_for_the_ingest_to_check():
    body = {**fixture("contact_create.json"), "attributes": fixture("contact_update.json")["attributes"]}

    record = translate.contact_create_record("12345", body)

    assert record.attributes == fixture("contact_update.json")["attributes"]


def test_create_names_every_missing_field():
    with pytest.raises(ApplicationError) as exc:
        translate.contact_create_record("12345", {})

    assert exc.value.status == 400
    assert details(exc) == [("external_id", "required"), ("name", "required")]
    assert exc.value.message == "external_id: This field is required. (and 1 more)"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"external_id": 12345, "name": "John"}, ("external_id", "invalid_type")),
        ({"external_id": "C1", "name": "   "}, ("name", "blank")),
        ({"external_id": "C1", "name": "x" * 256}, ("name", "max_length")),
        ({"external_id": "C" * 256, "name": "John"}, ("external_id", "max_length")),
        ({"external_id": "C1", "name": "John", "attributes": ["email"]}, ("attributes", "invalid_type")),
    ],
)
def test_create_rejects_bad_values_naming_the_field(body, expected):
    with pytest.raises(ApplicationError) as exc:
        translate.contact_create_record("12345", body)

    assert details(exc) == [expected]


def test_a_name_of_255_characters_fits():
    record = translate.contact_create_record("12345", {"external_id": "C1", "name": "x" * 255})

    assert len(record.fields["full_name"]) == 255


@pytest.mark.parametrize("body", [[], "John", None, 7])
def test_a_body_that_is_not_an_object_is_refused(body):
    with pytest.raises(ApplicationError) as exc:
        translate.contact_create_record("12345", body)

    assert exc.value.status == 400
    assert details(exc) == [("", "invalid_type")]


def test_update_body_keeps_the_customer_link_and_carries_the_attributes():
    record = translate.contact_update_record("12345", "C12345", fixture("contact_update.json"))

    assert record.fields == {"external_id": "C12345", "full_name": "John Doe"}
    assert record.customer_external_id is None  # leave the link alone
    assert record.attributes == fixture("contact_update.json")["attributes"]


def test_update_needs_a_name():
    with pytest.raises(ApplicationError) as exc:
        translate.contact_update_record("12345", "C12345", {"attributes": {"age": 3}})

    assert details(exc) == [("name", "required")]


def test_update_refuses_another_external_id_in_the_body():
    with pytest.raises(ApplicationError) as exc:
        translate.contact_update_record("12345", "C12345", {"name": "John", "external_id": "C999"})

    assert details(exc) == [("external_id", "mismatch")]


def test_update_accepts_the_same_external_id_in_the_body():
    record = translate.contact_update_record("12345", "C12345", {"name": "John", "external_id": "C12345"})

    assert record.fields["external_id"] == "C12345"


def test_null_attributes_mean_none_sent():
    record = translate.contact_update_record("12345", "C12345", {"name": "John", "attributes": None})

    assert record.attributes == {}


def test_policies():
    create = translate.create_policy(dry_run=False)
    update = translate.update_policy(dry_run=True)
    restore = translate.restore_policy(dry_run=False)

    assert (create.keys, create.mode, create.unknown_customer) == (("external_id",), "create_only", "skip")
    assert (update.mode, update.restore_deleted, update.dry_run) == ("update_only", False, True)
    assert (restore.mode, restore.restore_deleted) == ("update_only", True)
    # Customerscore drops what does not match (seed: "Only matching keys will be stored").
    assert {create.unknown_keys, create.invalid_values, update.unknown_keys} == {"drop"}
