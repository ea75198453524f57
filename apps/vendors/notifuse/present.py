"""Stored contacts and ingest results → Notifuse JSON. Pure: no database.

Notifuse omits NULL columns (`omitempty` on every optional field of `domain.Contact`) and always sends
`created_at` / `updated_at`; fields are sent in its struct's order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from apps.ingest.records import Outcome, RecordResult
from apps.vendors.notifuse.translate import (
    CONTACT_COLUMNS,
    LIST_STATUS_TO_HUB,
    SLOT_TYPES,
    ImportItem,
    NotifuseContact,
    cursor_encode,
)

HUB_STATUS_TO_LIST = {hub: notifuse for notifuse, hub in LIST_STATUS_TO_HUB.items()}
# The seed's field order: columns, the three e-commerce slots, then the custom slots.
SLOT_ORDER: tuple[str, ...] = tuple(SLOT_TYPES)


def rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def contact_row(contact: Any) -> dict[str, Any]:
    """The parts of a stored Contact that Notifuse shows, keyed by canonical names."""
    row = {canonical: getattr(contact, canonical) for canonical in CONTACT_COLUMNS.values()}
    row.update(
        email=contact.email,
        attributes=dict(contact.attributes or {}),
        created_at=contact.created_at,
        updated_at=contact.updated_at,
    )
    return row


def contact_json(row: Mapping[str, Any], memberships: Iterable[Any] | None = None) -> dict[str, Any]:
    """A Notifuse contact; with `memberships` (ListMembership rows with their list) its `contact_lists`."""
    out: dict[str, Any] = {"email": row["email"]}
    for name, canonical in CONTACT_COLUMNS.items():
        if row.get(canonical) is not None:
            out[name] = row[canonical]
    attributes = row.get("attributes") or {}
    for slot in SLOT_ORDER:
        if attributes.get(slot) is not None:
            out[slot] = attributes[slot]
    out["created_at"] = rfc3339(row["created_at"])
    out["updated_at"] = rfc3339(row["updated_at"])
    if memberships is not None:
        out["contact_lists"] = [
            membership_json(row["email"], membership)
            for membership in memberships
            if membership.list.deleted_at is None
        ]
    return out


def membership_json(email: str, membership: Any) -> dict[str, Any]:
    return {
        "email": email,
        "list_id": membership.list.public_id,
        "list_name": membership.list.name,
        "status": HUB_STATUS_TO_LIST.get(membership.status, membership.status),
        "created_at": rfc3339(membership.added_at),
        "updated_at": rfc3339(membership.changed_at),
    }


def preview_row(
    contact: NotifuseContact, stored: Mapping[str, Any] | None, now: dt.datetime
) -> dict[str, Any]:
    """What a dry run would store: the stored row (or a new one) with the request's changes merged in."""
    row = dict(stored) if stored is not None else {"created_at": now, "attributes": {}}
    row.update(contact.fields)
    row["email"] = contact.email
    attributes = dict(row.get("attributes") or {})
    for slot, value in contact.attributes.items():
        if value is None:
            attributes.pop(slot, None)
        else:
            attributes[slot] = value
    row["attributes"] = attributes
    row["updated_at"] = now
    return row


def upsert_action(result: RecordResult) -> str:
    return "created" if result.outcome == Outcome.CREATED else "updated"


def upsert_json(email: str, result: RecordResult, row: Mapping[str, Any], *, dry_run: bool) -> dict[str, Any]:
    """The seed's response plus the `email` key Notifuse's own clients read."""
    body: dict[str, Any] = {
        "email": email,
        "action": upsert_action(result),
        "contact": contact_json(row),
        "error": None,
    }
    if dry_run:
        body["dry_run"] = True
    return body


def issue_text(result: RecordResult) -> str:
    errors = result.errors or result.issues
    if not errors:
        return "the contact could not be stored"
    first = errors[0]
    return f"{first.path}: {first.message}" if first.path else first.message


def import_json(
    items: Sequence[ImportItem], results: Mapping[int, RecordResult], *, dry_run: bool
) -> dict[str, Any]:
    """One operation per applied item or invalid item, in input order (`results` by item index)."""
    operations: list[dict[str, Any]] = []
    for item in items:
        if item.error is not None:
            operations.append({"email": item.email, "action": "error", "error": item.error})
            continue
        result = results[item.index]
        if not result.ok:
            error = f"failed to upsert contact at index {item.index}: {issue_text(result)}"
            operations.append({"email": item.email, "action": "error", "error": error})
        else:
            action = "create" if result.outcome == Outcome.CREATED else "update"
            operations.append({"email": item.email, "action": action})
    body: dict[str, Any] = {"operations": operations}
    if dry_run:
        body["dry_run"] = True
    return body


def list_json(contacts: Sequence[Any], *, limit: int, with_contact_lists: bool) -> dict[str, Any]:
    """A page of contacts; `contacts` holds up to limit + 1 rows: an extra row says a next page exists."""
    page = list(contacts[:limit])
    body: dict[str, Any] = {
        "contacts": [
            contact_json(contact_row(contact), contact.list_memberships.all() if with_contact_lists else None)
            for contact in page
        ]
    }
    if len(contacts) > limit and page:
        body["next_cursor"] = cursor_encode(page[-1].created_at, page[-1].pk)
    return body
