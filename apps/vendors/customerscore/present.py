"""Stored contacts and ingest results → Customerscore JSON. Pure: no database.

The vendor documents no response body for its single-contact endpoints ("200 with the contact"); ours is
`{"result", "contact", "warnings"}` (+ `"dry_run": true`), where the contact speaks Customerscore's words:
`external_id`, `customer_external_id`, `name`, `attributes` (built-in codenames such as `email` and `phone`
included, as the vendor treats them as attributes), and the timestamps.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from apps.attributes.builtins import BUILTIN_CODENAMES
from apps.contacts.models import Contact
from apps.ingest.records import Issue, Outcome, RecordResult

# Built-ins that are top-level keys of the contact body rather than attributes.
_TOP_LEVEL = frozenset({"external_id", "full_name"})
_BUILTIN_ATTRIBUTES = tuple(sorted(BUILTIN_CODENAMES - _TOP_LEVEL))


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def contact_body(contact: Contact, customer_external_id: str | None) -> dict[str, Any]:
    attributes = {
        codename: _json_value(getattr(contact, codename))
        for codename in _BUILTIN_ATTRIBUTES
        if getattr(contact, codename) is not None
    }
    attributes.update(contact.attributes or {})
    return {
        "external_id": contact.external_id,
        "customer_external_id": customer_external_id,
        "name": contact.full_name,
        "attributes": attributes,
        "created_at": _json_value(contact.created_at),
        "updated_at": _json_value(contact.updated_at),
        "deleted_at": _json_value(contact.deleted_at),
    }


def issues_body(issues: Iterable[Issue]) -> list[dict[str, str]]:
    return [{"path": i.path, "code": i.code, "message": i.message} for i in issues]


def write_body(
    *,
    result: str,
    contact: Contact,
    customer_external_id: str | None,
    warnings: Iterable[Issue] = (),
    dry_run: bool = False,
) -> dict[str, Any]:
    """`result` is created, restored, updated, unchanged or deleted."""
    body: dict[str, Any] = {
        "result": result,
        "contact": contact_body(contact, customer_external_id),
        "warnings": issues_body(warnings),
    }
    if dry_run:
        body["dry_run"] = True
    return body


def contact_preview(
    stored: Contact | None, *, fields: Mapping[str, Any], attributes: Mapping[str, Any]
) -> Contact:
    """The contact a dry run would leave: `stored` (None for a new one, whose timestamps stay empty) with the
    checked `fields` and `attributes` applied in memory. Never saved."""
    if stored is None:
        contact = Contact()
        for name in ("created_at", "updated_at"):
            setattr(contact, name, None)  # not stored: no timestamps to show
    else:
        contact = copy.copy(stored)
        contact.attributes = dict(stored.attributes or {})
        contact.deleted_at = None  # a write restores a deleted contact, or is refused before this
    for name, value in fields.items():
        setattr(contact, name, value)
    for codename, value in attributes.items():
        if value is None:
            contact.attributes.pop(codename, None)
        else:
            contact.attributes[codename] = value
    return contact


# --- Bulk uploads (`POST /contacts`, `POST /customers`) ---------------------------------------------------

# The key naming each item of a dry run's answer, per upload: the identity the client sent.
BULK_IDENTITY_KEYS = {"contacts": "contact_external_id", "customers": "external_id"}


def bulk_accepted_body(*, kind: str, import_id: str, count: int) -> dict[str, Any]:
    """The vendor documents no body for its 200; ours: `{"status": "accepted", "import_id", "<kind>": n}`."""
    return {"status": "accepted", "import_id": import_id, kind: count}


def bulk_dry_run_body(*, kind: str, results: Sequence[RecordResult]) -> dict[str, Any]:
    """What the upload would do, item by item; nothing was stored and no import was made."""
    counts = {outcome.value: 0 for outcome in Outcome}
    for result in results:
        counts[result.outcome.value] += 1
    counts["warnings"] = sum(len(result.warnings) for result in results)
    identity_key = BULK_IDENTITY_KEYS[kind]
    return {
        "status": "dry_run",
        "dry_run": True,
        "import_id": None,
        kind: len(results),
        "counts": counts,
        "items": [
            {
                "index": result.index,
                identity_key: result.identity,
                "outcome": result.outcome.value,
                "issues": [
                    {"path": i.path, "code": i.code, "message": i.message, "severity": i.severity}
                    for i in result.issues
                ],
            }
            for result in results
        ],
    }
