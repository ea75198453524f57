"""In-memory state of one chunk: a slot per contact the chunk touches, stored or about to be created."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from apps.contacts.models import new_contact_public_id
from apps.ingest.records import CONTACT_FIELDS

# Columns read for merging and written back; `id`, `public_id`, `created_at` are never rewritten.
STORED_COLUMNS: tuple[str, ...] = (
    "id",
    "public_id",
    "customer_id",
    *CONTACT_FIELDS,
    "attributes",
    "created_at",
    "deleted_at",
)
# Read with them, never merged: the provenance stamps, so a stored contact's row is the whole row.
FETCHED_COLUMNS: tuple[str, ...] = (
    *STORED_COLUMNS,
    "updated_at",
    "last_action",
    "last_source",
    "last_import_id",
    "last_api_key_id",
)
NEW_CONTACT_DEFAULTS: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS) | {
    "type": "customer",
    "status": "active",
}
_MISSING = object()


def same_value(a: Any, b: Any) -> bool:
    # 1 == True and 1 == 1.0 in Python; a stored JSON value changes when its type does.
    return a == b and type(a) is type(b)


@dataclass(slots=True)
class Slot:
    contact_id: int | None
    public_id: str
    row: dict[str, Any]
    is_new: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)
    dirty: bool = False
    restored: bool = False
    # side tables, keyed as they are unique in the database
    metrics: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    metrics_dirty: set[dt.date] = field(default_factory=set)
    memberships: dict[int, str] = field(default_factory=dict)  # list id → status
    memberships_dirty: set[int] = field(default_factory=set)
    memberships_removed: set[int] = field(default_factory=set)
    subscriptions: dict[tuple[str, str], str] = field(default_factory=dict)
    subscriptions_dirty: set[tuple[str, str]] = field(default_factory=set)
    tags: set[int] = field(default_factory=set)
    tags_added: set[int] = field(default_factory=set)
    tags_removed: set[int] = field(default_factory=set)
    consents_latest: dict[str, tuple[bool, dt.datetime]] = field(default_factory=dict)
    consents_new: list[tuple[str, bool, dt.datetime, str | None]] = field(default_factory=list)

    @classmethod
    def stored(cls, row: dict[str, Any]) -> Slot:
        """A slot over a row fetched for this chunk (the slot owns it and changes it in place)."""
        if row["attributes"] is None:
            row["attributes"] = {}
        return cls(contact_id=row["id"], public_id=row["public_id"], row=row, is_new=False)

    @classmethod
    def new(cls, now: dt.datetime) -> Slot:
        row = dict(NEW_CONTACT_DEFAULTS)
        row.update(customer_id=None, attributes={}, created_at=now, deleted_at=None)
        return cls(contact_id=None, public_id=new_contact_public_id(), row=row, is_new=True, dirty=True)

    def set(self, name: str, value: Any) -> bool:
        old = self.row.get(name, _MISSING)
        if old is not _MISSING and same_value(old, value):
            return False
        self.row[name] = value
        if not self.is_new:
            self._note(name, None if old is _MISSING else old, value)
        self.dirty = True
        return True

    def set_attribute(self, codename: str, value: Any) -> bool:
        attrs: dict[str, Any] = self.row["attributes"]
        old = attrs.get(codename, _MISSING)
        if value is None:
            if old is _MISSING:
                return False
            del attrs[codename]
        else:
            if old is not _MISSING and same_value(old, value):
                return False
            attrs[codename] = value
        if not self.is_new:
            self._note(f"attributes.{codename}", None if old is _MISSING else old, value)
        self.dirty = True
        return True

    def _note(self, name: str, old: Any, new: Any) -> None:
        if name in self.changes:
            self.changes[name][1] = new
        else:
            self.changes[name] = [old, new]
