"""Bulk import jobs and dry-run results → eSputnik JSON. Pure: no database (the job's issues arrive read).

`GET /v1/importstatus/{asyncSessionId}` answers `{"status", "total", "processed", "created", "updated",
"skipped", "errors": [...]}` (`specs/esputnik.md`). eSputnik names two outcomes besides "skipped": an
unchanged contact counts as updated (as `POST /v1/contact` answers "updated" for it), and a contact that
failed (an identity conflict, a bad value) counts as skipped; its reason is in `errors` either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.imports.models import ImportIssue, ImportJob, ImportStatus
from apps.ingest.records import Outcome, RecordResult

STATUS = {
    ImportStatus.QUEUED: "STARTED",
    ImportStatus.RUNNING: "IMPORTING",
    ImportStatus.COMPLETED: "FINISHED",
    ImportStatus.FAILED: "ERROR",
}
ERRORS_LIMIT = 1000  # issues listed by the status endpoint; the native report (CSV) has them all


def accepted_body(public_id: str) -> dict[str, Any]:
    return {"asyncSessionId": public_id}


def _counts(*, created: int, updated: int, unchanged: int, skipped: int, failed: int) -> dict[str, int]:
    return {"created": created, "updated": updated + unchanged, "skipped": skipped + failed}


def _issue_entry(
    index: int, identity: str, outcome: str, severity: str, field: str, code: str, message: str
) -> dict[str, Any]:
    if code == "unknown_attribute" and field.endswith(".value"):
        field = field.removesuffix(".value") + ".name"  # as `POST /v1/contact` names an unknown field
    return {
        "index": index,
        "identity": identity,
        "outcome": outcome,
        "severity": severity,
        "field": field,
        "code": code,
        "message": message,
    }


def import_status_body(job: ImportJob, issues: Sequence[ImportIssue]) -> dict[str, Any]:
    """`issues` in item order; at most ERRORS_LIMIT are listed (pass one more to learn there are more)."""
    body: dict[str, Any] = {
        "asyncSessionId": job.public_id,
        "status": STATUS.get(ImportStatus(job.status), "STARTED"),
        "total": job.received,
        "processed": job.processed,
        **_counts(
            created=job.created,
            updated=job.updated,
            unchanged=job.unchanged,
            skipped=job.skipped,
            failed=job.failed,
        ),
        "errors": [
            _issue_entry(i.item_index, i.identity, i.outcome, i.severity, i.field, i.code, i.message)
            for i in issues[:ERRORS_LIMIT]
        ],
    }
    if len(issues) > ERRORS_LIMIT:
        body["errorsTruncated"] = True
    if job.status == ImportStatus.FAILED:
        # The reason is an internal error (job.error, for operators); the client learns what was not applied.
        body["message"] = (
            f"The import stopped after {job.processed} of {job.received} contacts; the rest were not applied."
        )
    return body


def dry_run_body(results: Sequence[RecordResult]) -> dict[str, Any]:
    """What the bulk would do, item by item; nothing was written and no job was made."""
    count = dict.fromkeys(Outcome, 0)
    for result in results:
        count[result.outcome] += 1
    return {
        "dryRun": True,
        "total": len(results),
        **_counts(
            created=count[Outcome.CREATED],
            updated=count[Outcome.UPDATED],
            unchanged=count[Outcome.UNCHANGED],
            skipped=count[Outcome.SKIPPED],
            failed=count[Outcome.FAILED],
        ),
        "errors": [
            _issue_entry(r.index, r.identity, r.outcome.value, i.severity, i.path, i.code, i.message)
            for r in results
            for i in r.issues
        ],
        "items": [
            {
                "index": r.index,
                "action": r.outcome.value,
                "id": r.contact_id if r.contact_id is not None and r.contact_id > 0 else None,
            }
            for r in results
        ],
    }
