"""Pure tests of the bulk uploads' answers (no database)."""

from __future__ import annotations

from apps.ingest.records import Issue, Outcome, RecordResult
from apps.vendors.customerscore import present


def test_the_accepted_answer_names_the_import_and_the_count():
    assert present.bulk_accepted_body(kind="contacts", import_id="a" * 24, count=3) == {
        "status": "accepted",
        "import_id": "a" * 24,
        "contacts": 3,
    }
    assert present.bulk_accepted_body(kind="customers", import_id="b" * 24, count=1)["customers"] == 1


def test_the_dry_run_answer_counts_outcomes_and_lists_every_item_with_its_issues():
    warning = Issue("contacts[0].attributes.plan", "unknown_attribute", "dropped.", "warning")
    error = Issue("contacts[1].customer_external_id", "unknown_customer", "ignored: unknown customer 'x'.")
    results = [
        RecordResult(0, Outcome.CREATED, "C0", issues=[warning]),
        RecordResult(1, Outcome.SKIPPED, "C1", issues=[error]),
        RecordResult(2, Outcome.UNCHANGED, "C2"),
    ]

    body = present.bulk_dry_run_body(kind="contacts", results=results)

    assert (body["status"], body["dry_run"], body["import_id"], body["contacts"]) == (
        "dry_run",
        True,
        None,
        3,
    )
    assert body["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "skipped": 1,
        "failed": 0,
        "warnings": 1,
    }
    assert body["items"][1] == {
        "index": 1,
        "contact_external_id": "C1",
        "outcome": "skipped",
        "issues": [
            {
                "path": "contacts[1].customer_external_id",
                "code": "unknown_customer",
                "message": "ignored: unknown customer 'x'.",
                "severity": "error",
            }
        ],
    }
    assert body["items"][2]["issues"] == []


def test_customer_items_are_named_by_their_external_id():
    body = present.bulk_dry_run_body(kind="customers", results=[RecordResult(0, Outcome.CREATED, "K1")])

    assert body["customers"] == 1
    assert body["items"] == [{"index": 0, "external_id": "K1", "outcome": "created", "issues": []}]
