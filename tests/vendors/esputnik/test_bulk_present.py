"""Import jobs and dry-run results → eSputnik JSON. Pure: no database (unsaved model instances)."""

from __future__ import annotations

import pytest

from apps.imports.models import ImportIssue, ImportJob
from apps.ingest.records import Issue, Outcome, RecordResult
from apps.vendors.esputnik.bulk_present import ERRORS_LIMIT, accepted_body, dry_run_body, import_status_body


def _job(status: str = "completed", **counts: int) -> ImportJob:
    return ImportJob(public_id="a" * 24, source="esputnik", status=status, **counts)


def _issue(index: int, **kwargs) -> ImportIssue:
    values = {
        "identity": "a@example.com",
        "outcome": "skipped",
        "severity": "error",
        "field": f"contacts[{index}].channels[0].value",
        "code": "invalid_email",
        "message": "'x' is not a valid email address.",
    }
    values.update(kwargs)
    return ImportIssue(item_index=index, **values)


def test_accepted_body_is_the_async_session_id():
    assert accepted_body("abc") == {"asyncSessionId": "abc"}


@pytest.mark.parametrize(
    ("status", "shown"),
    [("queued", "STARTED"), ("running", "IMPORTING"), ("completed", "FINISHED"), ("failed", "ERROR")],
)
def test_job_status_is_shown_in_esputnik_words(status, shown):
    assert import_status_body(_job(status), [])["status"] == shown


def test_status_counts_fold_unchanged_into_updated_and_failed_into_skipped():
    job = _job(received=10, processed=10, created=3, updated=2, unchanged=1, skipped=3, failed=1)

    body = import_status_body(job, [])

    assert body == {
        "asyncSessionId": "a" * 24,
        "status": "FINISHED",
        "total": 10,
        "processed": 10,
        "created": 3,
        "updated": 3,
        "skipped": 4,
        "errors": [],
    }


def test_status_errors_name_the_item_and_the_field():
    body = import_status_body(_job(), [_issue(3)])

    assert body["errors"] == [
        {
            "index": 3,
            "identity": "a@example.com",
            "outcome": "skipped",
            "severity": "error",
            "field": "contacts[3].channels[0].value",
            "code": "invalid_email",
            "message": "'x' is not a valid email address.",
        }
    ]


def test_status_errors_are_capped_and_say_so():
    issues = [_issue(n) for n in range(ERRORS_LIMIT + 1)]

    body = import_status_body(_job(), issues)

    assert len(body["errors"]) == ERRORS_LIMIT
    assert body["errorsTruncated"] is True


def test_a_failed_job_says_what_was_not_applied_without_its_internal_error():
    job = _job("failed", received=5, processed=2)
    job.error = "OperationalError: connection refused"

    body = import_status_body(job, [])

    assert body["message"] == "The import stopped after 2 of 5 contacts; the rest were not applied."
    assert "OperationalError" not in str(body)


def test_dry_run_body_previews_each_item():
    results = [
        RecordResult(0, Outcome.CREATED, "a@example.com"),
        RecordResult(1, Outcome.UNCHANGED, "b@example.com", contact_id=7),
        RecordResult(
            2,
            Outcome.SKIPPED,
            "c",
            issues=[Issue("contacts[2].channels", "dedupe_key_missing", "needs an email channel")],
        ),
        RecordResult(
            3, Outcome.FAILED, "d", issues=[Issue("contacts[3].externalCustomerId", "identity_conflict", "x")]
        ),
    ]

    body = dry_run_body(results)

    assert body["dryRun"] is True
    assert (body["total"], body["created"], body["updated"], body["skipped"]) == (4, 1, 1, 2)
    assert body["items"] == [
        {"index": 0, "action": "created", "id": None},
        {"index": 1, "action": "unchanged", "id": 7},
        {"index": 2, "action": "skipped", "id": None},
        {"index": 3, "action": "failed", "id": None},
    ]
    assert [(e["index"], e["field"], e["code"], e["outcome"]) for e in body["errors"]] == [
        (2, "contacts[2].channels", "dedupe_key_missing", "skipped"),
        (3, "contacts[3].externalCustomerId", "identity_conflict", "failed"),
    ]
