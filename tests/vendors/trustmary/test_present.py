"""present.py: stored contacts and lists → Trustmary JSON, on unsaved objects (no database)."""

from __future__ import annotations

import datetime as dt

from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord
from apps.lists.models import ContactList
from apps.vendors.trustmary.present import (
    contact_delete_preview,
    contact_present,
    contact_upsert_preview,
    list_present,
    timestamp,
    upsert_present,
)
from tests.vendors.trustmary.conftest import fixture

CREATED = dt.datetime(2020, 10, 22, 14, 55, 52, 638000, tzinfo=dt.UTC)


def seed_contact(**overrides) -> Contact:
    """The seed's example contact as the hub stores it."""
    fields = {
        "public_id": "gkggiGLXH",
        "email": "[email protected]",
        "full_name": "Contact Name",
        "phone": "+358501234567",
        "company": "Company Ltd",
        "created_at": CREATED,
        "updated_at": CREATED,
        "deleted_at": None,
        "last_action": None,
        "status": "active",
        "type": "customer",
        "attributes": {},
    }
    return Contact(**(fields | overrides))


def test_contact_object_is_the_seeds_example_plus_eid():
    out = contact_present(seed_contact())

    assert out == fixture("contact_object.json") | {"eid": None}


def test_contact_object_keys_in_the_documented_order():
    out = contact_present(seed_contact(external_id="crm-1"))

    assert list(out) == [
        "id", "email", "eid", "name", "phone", "company", "type", "status",
        "created_at", "updated_at", "deleted_at", "last_action",
    ]  # fmt: skip
    assert out["eid"] == "crm-1"


def test_create_response_is_the_seeds_example():
    out = upsert_present(seed_contact(), created=True, lists_added=1)

    expected = fixture("create_contact_response.json")
    expected["contact"]["eid"] = None
    assert out == expected


def test_update_action_and_dry_run_marker():
    out = upsert_present(seed_contact(), created=False, lists_added=0, dry_run=True)

    assert out["action"] == "IMPORT_UPDATE"
    assert out["listsUpdated"] == 0
    assert out["dryRun"] is True


def test_deleted_contact_has_status_deleted():
    deleted = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)

    out = contact_present(seed_contact(deleted_at=deleted, status="unsubscribed"))

    assert out["status"] == "deleted"
    assert out["deleted_at"] == "2024-05-01T08:00:00.000Z"


def test_other_statuses_pass_through():
    assert contact_present(seed_contact(status="unsubscribed"))["status"] == "unsubscribed"


def test_custom_attributes_are_field_keys():
    out = contact_present(seed_contact(attributes={"score": 9, "plan": "pro"}))

    assert out["field_score"] == 9
    assert out["field_plan"] == "pro"


def test_name_falls_back_to_first_and_last():
    out = contact_present(seed_contact(full_name=None, first_name="Anna", last_name="Virtanen"))

    assert out["name"] == "Anna Virtanen"


def test_name_is_null_when_unknown():
    assert contact_present(seed_contact(full_name=None))["name"] is None


def test_timestamps_are_utc_with_milliseconds_and_z():
    helsinki = dt.timezone(dt.timedelta(hours=3))

    assert (
        timestamp(dt.datetime(2020, 10, 22, 17, 55, 52, 638123, tzinfo=helsinki))
        == "2020-10-22T14:55:52.638Z"
    )
    assert timestamp(None) is None


def test_upsert_preview_of_a_new_contact():
    now = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    record = ContactRecord(fields={"email": "a@example.com", "full_name": "A B"}, attributes={"score": 3})

    out = contact_present(contact_upsert_preview(None, record, public_id="newId1234", now=now))

    assert out["id"] == "newId1234"
    assert out["email"] == "a@example.com"
    assert out["type"] == "customer"
    assert out["status"] == "active"
    assert out["created_at"] == out["updated_at"] == "2025-01-02T03:04:05.000Z"
    assert out["last_action"] == "IMPORT_CREATE"
    assert out["field_score"] == 3


def test_upsert_preview_of_a_stored_contact_leaves_it_untouched():
    stored = seed_contact(attributes={"score": 1, "plan": "free"}, deleted_at=CREATED)
    record = ContactRecord(fields={"company": None}, attributes={"score": 2, "plan": None, "city": "Oulu"})
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    preview = contact_upsert_preview(stored, record, public_id="gkggiGLXH", now=now)

    out = contact_present(preview)
    assert out["company"] is None
    assert out["status"] == "active"
    assert out["last_action"] == "IMPORT_UPDATE"
    assert preview.city == "Oulu"
    assert {k: v for k, v in out.items() if k.startswith("field_")} == {"field_score": 2}
    assert stored.company == "Company Ltd"
    assert stored.attributes == {"score": 1, "plan": "free"}
    assert stored.deleted_at == CREATED


def test_delete_preview():
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    stored = seed_contact()

    out = contact_present(contact_delete_preview(stored, now=now))

    assert out["status"] == "deleted"
    assert out["deleted_at"] == "2025-01-01T00:00:00.000Z"
    assert out["last_action"] == "DELETE"
    assert stored.deleted_at is None


def test_list_object():
    contact_list = ContactList(
        public_id="MDyzFBay3", name="Customers", type="static", created_at=CREATED, updated_at=CREATED
    )

    assert list_present(contact_list, count=4) == {
        "id": "MDyzFBay3",
        "type": "static",
        "count": 4,
        "name": "Customers",
        "source": None,
        "created_at": "2020-10-22T14:55:52.638Z",
        "updated_at": "2020-10-22T14:55:52.638Z",
        "deleted_at": None,
    }
