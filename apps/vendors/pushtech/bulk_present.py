"""Bulk jobs, their per-contact outcomes and dry-run results → PUSHTech JSON. Pure: no database.

The vendor documents the 201 `bulk` object (the seed page) and nothing more; the status endpoint and the
webhook body are the hub's, in the vendor's style (`specs/pushtech.md`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from apps.contacts.models import Contact
from apps.imports.models import ImportIssue, ImportJob
from apps.ingest.records import Issue, Outcome, RecordResult
from apps.vendors.pushtech.bulk_shape import BulkOptions
from apps.vendors.pushtech.present import phone_parts

# Job status → the vendor's words ("status": "queue" in the documented 201).
STATUSES = {"queued": "queue", "running": "processing", "completed": "done", "failed": "failed"}
# The vendor knows no "unchanged": a matched contact that needed no change was updated to what it is.
RESULTS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "updated",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "failed",
}
DEFAULT_WEBHOOK_FIELDS = ("_id", "user_id", "email", "phone_countrycode", "phone_number")
# Extra webhook fields read from the stored contact (vendor name → column); any other name is a custom
# attribute of that codename, else the value the contact was sent with.
CONTACT_COLUMNS = {
    "name_first": "first_name",
    "name_last": "last_name",
    "city": "city",
    "country": "country",
    "region": "region",
    "zip": "postcode",
    "full_address": "address_line1",
    "language": "language",
    "phone": "phone",
}


def _bulk_fields(public_id: str | None, number: int, options: BulkOptions) -> dict[str, Any]:
    return {
        "_id": public_id,
        "number_of_contacts": number,
        "match_contact_user_id": options.match_contact_user_id,
        "validate_emails": options.validate_emails,
        "contacts_webhook_extra_fields": list(options.contacts_webhook_extra_fields),
        "webhook_url": options.webhook_url or None,
    }


def accepted_body(public_id: str, number: int, options: BulkOptions) -> dict[str, Any]:
    """The documented 201 body."""
    return {"bulk": {**_bulk_fields(public_id, number, options), "status": "queue"}}


def bulk_object(job: ImportJob) -> dict[str, Any]:
    """The bulk as it stands: the 201 fields, its status and its counts."""
    options = BulkOptions.from_job(job.options, job.webhook_url)
    body = {
        **_bulk_fields(job.public_id, job.received, options),
        "status": STATUSES.get(job.status, job.status),
        "processed": job.processed,
        "created": job.created,
        "updated": job.updated + job.unchanged,
        "skipped": job.skipped,
        "failed": job.failed,
    }
    if job.status == "failed" and job.error:
        body["error"] = job.error
    return body


def issue_item(issue: ImportIssue) -> dict[str, Any]:
    return {
        "index": issue.item_index,
        "identity": issue.identity,
        "result": issue.outcome,
        "severity": issue.severity,
        "field": issue.field,
        "code": issue.code,
        "message": issue.message,
    }


def status_body(job: ImportJob, issues: Iterable[ImportIssue], *, truncated: bool) -> dict[str, Any]:
    """`GET .../contact/bulk/:bulk_id`: the bulk object plus every per-contact problem (skips, failures and
    warnings), in contact order."""
    return {
        "bulk": {
            **bulk_object(job),
            "errors": [issue_item(i) for i in issues],
            "errors_truncated": truncated,
        }
    }


# --- webhook ----------------------------------------------------------------------------------------------


def _contact_value(contact: Contact, name: str, tags: Sequence[str]) -> tuple[bool, Any]:
    """(found, value) of a vendor field on a stored contact."""
    if name in CONTACT_COLUMNS:
        return True, getattr(contact, CONTACT_COLUMNS[name])
    if name == "born_date":
        return True, contact.birth_date.isoformat() if contact.birth_date else None
    if name == "gender":
        return True, contact.gender.upper() if contact.gender else None
    if name == "tags":
        return True, list(tags)
    if name in (contact.attributes or {}):
        return True, contact.attributes[name]
    return False, None


def _error_text(issues: Sequence[ImportIssue]) -> str | None:
    errors = [i for i in issues if i.severity == "error"] or list(issues)
    return errors[0].message if errors else None


def webhook_contact(
    *,
    sent: Mapping[str, Any],
    outcome: str,
    contact: Contact | None,
    tags: Sequence[str],
    issues: Sequence[ImportIssue],
    extra_fields: Sequence[str],
) -> dict[str, Any]:
    """One contact of the webhook: the stored contact's values when it was stored, else the identity it was
    sent with; `result`, and `error` for a contact that was skipped or failed."""
    result = RESULTS.get(Outcome(outcome), outcome)
    stored = contact if result in ("created", "updated") else None
    if stored is not None:
        code, number = phone_parts(stored.phone)
        entry: dict[str, Any] = {
            "_id": stored.public_id,
            "user_id": stored.external_id,
            "email": stored.email,
            "phone_countrycode": code,
            "phone_number": number,
        }
    else:
        code, number = sent.get("phone_countrycode"), sent.get("phone_number")
        if code is None and number is None and isinstance(sent.get("phone"), str):
            code, number = phone_parts(sent["phone"])
        entry = {
            "user_id": sent.get("user_id"),
            "email": sent.get("email"),
            "phone_countrycode": code,
            "phone_number": number,
        }
    for name in extra_fields:
        if name in DEFAULT_WEBHOOK_FIELDS or name in ("result", "error"):
            continue
        found, value = _contact_value(stored, name, tags) if stored is not None else (False, None)
        entry[name] = value if found else sent.get(name)
    entry["result"] = result
    if result in ("skipped", "failed"):
        entry["error"] = _error_text(issues) or "not stored"
    return entry


def webhook_body(
    *, account_id: str, job: ImportJob, contacts: list[dict[str, Any]], part: int, parts: int
) -> dict[str, Any]:
    """One part's body, without `timestamp` and `token` (the sender adds them and signs)."""
    return {
        "account_id": account_id,
        "bulk": bulk_object(job),
        "contacts": contacts,
        "part": part,
        "parts": parts,
    }


# --- dry run ----------------------------------------------------------------------------------------------


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {"severity": issue.severity, "field": issue.path, "code": issue.code, "message": issue.message}


def dry_run_body(
    number: int, options: BulkOptions, results: Sequence[RecordResult], notes: Sequence[Sequence[Issue]]
) -> dict[str, Any]:
    """What the bulk would do: counts and, per contact, its result and what would be reported."""
    counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
    contacts = []
    for result, extra in zip(results, notes, strict=True):
        word = RESULTS[result.outcome]
        counts[word] += 1
        item: dict[str, Any] = {"index": result.index, "result": word}
        if word == "updated" and result.contact_public_id:
            item["_id"] = result.contact_public_id
        item["issues"] = [_issue_dict(i) for i in [*result.issues, *extra]]
        contacts.append(item)
    return {
        "bulk": {**_bulk_fields(None, number, options), "status": "dry_run", **counts},
        "contacts": contacts,
        "dry_run": True,
    }
