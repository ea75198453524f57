"""The import runner's plan of a stored Customerscore upload (`bulk.py`): pure, no database."""

from __future__ import annotations

import orjson
import pytest

from apps.core.errors import ApplicationError
from apps.imports.registry import ItemRejected, bulk_dialect_get
from apps.ingest.customers import CustomerRecord
from apps.ingest.records import ContactRecord
from apps.vendors.customerscore import bulk
from tests.vendors.customerscore.conftest import bulk_item, fixture, fixture_text

CONTACTS = {"kind": "contacts"}
CUSTOMERS = {"kind": "customers"}


def stored(name: str):
    """The payload as the runner reads it back: the request's bytes through orjson."""
    return orjson.loads(fixture_text(name).encode())


def test_the_dialect_is_registered_at_startup():
    dialect = bulk_dialect_get("customerscore")

    assert dialect.plan is bulk.plan
    assert dialect.record_items is False and dialect.webhook_payload is None


def test_the_seed_example_plans_one_contact_record():
    plan = bulk.plan(stored("bulk_contacts_example.json"), CONTACTS)

    assert plan.kind == "contacts"
    assert plan.count() == 1
    [record] = plan.items
    assert isinstance(record, ContactRecord)
    assert record.fields == {"external_id": "C12345", "full_name": "John Doe"}
    assert record.customer_external_id == "12345"
    assert record.attributes == {"email": "john.doe@example.com", "phone": "+420 7123 456 789"}
    assert record.metrics == {"2025-04-29": {"resolved_tickets": 10}}


def test_the_plan_matches_on_the_external_id_and_skips_unknown_customers():
    plan = bulk.plan(stored("bulk_contacts_full.json"), CONTACTS)

    assert plan.policy.keys == ("external_id",)
    assert (plan.policy.mode, plan.policy.unknown_customer, plan.policy.unknown_keys) == (
        "upsert",
        "skip",
        "drop",
    )
    assert plan.policy.dry_run is False


def test_items_keep_their_order():
    payload = {"contacts": [bulk_item(n) for n in range(100)]}

    plan = bulk.plan(payload, CONTACTS)

    assert [r.fields["external_id"] for r in plan.items] == [f"C{n}" for n in range(100)]
    assert [r.path("external_id") for r in plan.items][-1] == "contacts[99].contact_external_id"


def test_a_job_without_a_kind_is_a_contacts_upload():
    assert bulk.plan(stored("bulk_contacts_example.json"), {}).kind == "contacts"


def test_the_customers_example_plans_a_customer_record():
    plan = bulk.plan(stored("bulk_customers.json"), CUSTOMERS)

    assert plan.kind == "customers"
    [record] = plan.items
    assert isinstance(record, CustomerRecord)
    assert (record.external_id, record.name, record.owner_email) == (
        "12345",
        "Acme s.r.o.",
        "owner@example.com",
    )
    assert record.metrics == {"2025-04-29": {"resolved_tickets": 39}}


def test_the_kind_comes_from_the_options_not_the_payload():
    both = {**fixture("bulk_contacts_example.json"), **fixture("bulk_customers.json")}

    assert bulk.plan(both, CUSTOMERS).kind == "customers"
    assert bulk.plan(both, CONTACTS).kind == "contacts"


def test_an_item_the_view_would_have_refused_is_rejected_alone():
    # The view refuses such a request; a payload stored another way still gets a report, not a crash.
    payload = {"contacts": [bulk_item(0), {"contact_external_id": "C1", "contact_name": 5}, "C2"]}

    plan = bulk.plan(payload, CONTACTS)

    ok, bad, worse = plan.items
    assert isinstance(ok, ContactRecord)
    assert isinstance(bad, ItemRejected) and isinstance(worse, ItemRejected)
    assert (bad.identity, bad.outcome) == ("C1", "failed")
    assert [(i.path, i.code) for i in bad.issues] == [
        ("contacts[1].customer_external_id", "required"),
        ("contacts[1].contact_name", "invalid_type"),
    ]
    assert [(i.path, i.code) for i in worse.issues] == [("contacts[2]", "invalid_type")]


def test_a_payload_without_its_array_cannot_be_planned():
    with pytest.raises(ApplicationError):
        bulk.plan({"customers": []}, CONTACTS)
