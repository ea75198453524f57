"""Pure presenter tests (no database): jobs, items and contacts built in memory."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.contacts.models import Contact
from apps.imports.models import ImportIssue, ImportJob
from apps.ingest.records import Issue, Outcome, RecordResult
from apps.vendors.pushtech import bulk_present
from apps.vendors.pushtech.bulk_shape import BulkOptions
from tests.vendors.pushtech.conftest import fixture


def job(**fields) -> ImportJob:
    defaults = {
        "public_id": "550aac3da096734ce5000001",
        "received": 2,
        "options": {
            "match_contact_user_id": False,
            "validate_emails": False,
            "contacts_webhook_extra_fields": ["name_first"],
        },
        "webhook_url": "https://requestb.in/qxvaw0qx",
        "status": "queued",
    }
    return ImportJob(**{**defaults, **fields})


def test_the_documented_201_body():
    documented = fixture("bulk_create_response.json")
    options = BulkOptions(
        contacts_webhook_extra_fields=("name_first",), webhook_url="https://requestb.in/qxvaw0qx"
    )

    assert bulk_present.accepted_body("550aac3da096734ce5000001", 2, options) == documented


def test_the_status_object_starts_with_the_documented_fields():
    documented = fixture("bulk_create_response.json")["bulk"]

    body = bulk_present.bulk_object(job())

    assert {k: body[k] for k in documented} == documented


@pytest.mark.parametrize(
    ("status", "word"),
    [("queued", "queue"), ("running", "processing"), ("completed", "done"), ("failed", "failed")],
)
def test_status_words(status, word):
    assert bulk_present.bulk_object(job(status=status))["status"] == word


def test_unchanged_contacts_count_as_updated():
    body = bulk_present.bulk_object(
        job(status="completed", created=1, updated=2, unchanged=3, skipped=4, failed=5)
    )

    assert (body["created"], body["updated"], body["skipped"], body["failed"]) == (1, 5, 4, 5)


def test_no_webhook_url_is_null():
    assert bulk_present.bulk_object(job(webhook_url=""))["webhook_url"] is None


def test_a_stored_contact_in_the_webhook():
    contact = Contact(
        public_id="c0ffee",
        external_id="u1",
        email="a@b.io",
        phone="+447712345678",
        first_name="Ann",
        birth_date=dt.date(1990, 1, 2),
        gender="male",
        attributes={"tier": "gold"},
    )

    entry = bulk_present.webhook_contact(
        sent={"name_first": "sent", "city": "Sent City"},
        outcome="unchanged",
        contact=contact,
        tags=["vip"],
        issues=[],
        extra_fields=["name_first", "born_date", "gender", "tags", "tier", "city", "other", "_id"],
    )

    assert entry == {
        "_id": "c0ffee",
        "user_id": "u1",
        "email": "a@b.io",
        "phone_countrycode": "44",
        "phone_number": "7712345678",
        "name_first": "Ann",
        "born_date": "1990-01-02",
        "gender": "MALE",
        "tags": ["vip"],
        "tier": "gold",
        "city": None,
        "other": None,
        "result": "updated",
    }


def test_a_skipped_contact_carries_what_it_was_sent_with_and_the_reason():
    issues = [
        ImportIssue(item_index=0, severity="warning", code="unknown_attribute", message="dropped"),
        ImportIssue(item_index=0, severity="error", code="invalid_date", message="bad date"),
    ]

    entry = bulk_present.webhook_contact(
        sent={"user_id": "u1", "phone": "+34612345678", "name_first": "Ann"},
        outcome="skipped",
        contact=None,
        tags=[],
        issues=issues,
        extra_fields=["name_first"],
    )

    assert entry == {
        "user_id": "u1",
        "email": None,
        "phone_countrycode": "34",
        "phone_number": "612345678",
        "name_first": "Ann",
        "result": "skipped",
        "error": "bad date",
    }


def test_a_skipped_contact_that_exists_has_no_id():
    contact = Contact(public_id="c0ffee", email="a@b.io")
    issue = ImportIssue(item_index=0, severity="warning", code="exists", message="exists")

    entry = bulk_present.webhook_contact(
        sent={"email": "a@b.io"}, outcome="skipped", contact=contact, tags=[], issues=[issue], extra_fields=[]
    )

    assert "_id" not in entry and entry["error"] == "exists"


def test_the_webhook_body():
    body = bulk_present.webhook_body(
        account_id="acc", job=job(status="completed"), contacts=[], part=2, parts=3
    )

    assert (body["account_id"], body["bulk"]["status"], body["part"], body["parts"]) == ("acc", "done", 2, 3)
    assert "timestamp" not in body and "token" not in body


def test_the_dry_run_body():
    results = [
        RecordResult(0, Outcome.CREATED),
        RecordResult(1, Outcome.UNCHANGED, contact_public_id="c1"),
        RecordResult(2, Outcome.SKIPPED, issues=[Issue("contacts[2]", "missing_identity", "No identity.")]),
    ]
    notes = [[Issue("contacts[0].gdpr_remote_ip", "invalid_ip", "Not an IP.", "warning")], [], []]

    body = bulk_present.dry_run_body(3, BulkOptions(), results, notes)

    assert body["dry_run"] is True
    assert body["bulk"]["status"] == "dry_run"
    assert (body["bulk"]["created"], body["bulk"]["updated"], body["bulk"]["skipped"]) == (1, 1, 1)
    assert body["contacts"] == [
        {
            "index": 0,
            "result": "created",
            "issues": [
                {
                    "severity": "warning",
                    "field": "contacts[0].gdpr_remote_ip",
                    "code": "invalid_ip",
                    "message": "Not an IP.",
                }
            ],
        },
        {"index": 1, "result": "updated", "_id": "c1", "issues": []},
        {
            "index": 2,
            "result": "skipped",
            "issues": [
                {
                    "severity": "error",
                    "field": "contacts[2]",
                    "code": "missing_identity",
                    "message": "No identity.",
                }
            ],
        },
    ]
