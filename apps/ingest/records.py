"""Canonical records: what every translator hands to the ingest service, and what it gets back.

A record distinguishes *absent* from *null* for every contact field: a key missing from `fields` keeps the
stored value, a key mapped to None clears it, any other value sets it. Custom attributes merge key by key
with the same rule (None removes the key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

# Canonical contact fields a record may carry; each is a Contact column of the same name.
CONTACT_FIELDS: tuple[str, ...] = (
    "external_id",
    "email",
    "phone",
    "first_name",
    "last_name",
    "full_name",
    "company",
    "job_title",
    "type",
    "status",
    "language",
    "timezone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postcode",
    "country",
    "gender",
    "birth_date",
)
CONTACT_FIELD_SET = frozenset(CONTACT_FIELDS)

# Keys a policy may match on. `public_id` and `pk` address a contact directly (Trustmary id, eSputnik id).
MatchKey = Literal["external_id", "email", "phone", "public_id", "pk"]
UNIQUE_KEYS: tuple[str, ...] = ("external_id", "email")


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ListRef:
    """A list named by its public id, or by name (created when missing if `create` is set)."""

    public_id: str | None = None
    name: str | None = None
    create: bool = False
    status: str = "subscribed"


@dataclass(frozen=True, slots=True)
class ChannelChange:
    channel: str  # email, sms, push, webpush, mobilepush
    status: str  # subscribed, unsubscribed, blacklisted
    address: str | None = None  # None: the contact's own email / phone for those channels


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    kind: str  # terms, marketing
    granted: bool
    at: dt.datetime | None = None
    ip: str | None = None


@dataclass(slots=True)
class ContactRecord:
    fields: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    # date → {metric codename: value}; dates as `datetime.date` or "YYYY-MM-DD" strings.
    metrics: dict[Any, dict[str, Any]] = field(default_factory=dict)
    customer_external_id: Any = None  # None: leave the customer link alone
    clear_customer: bool = False
    lists_add: list[ListRef] = field(default_factory=list)
    lists_remove: list[ListRef] = field(default_factory=list)
    channels: list[ChannelChange] = field(default_factory=list)
    tags_add: list[str] = field(default_factory=list)
    tags_remove: list[str] = field(default_factory=list)
    consents: list[ConsentEvent] = field(default_factory=list)
    # Address a stored contact directly (Trustmary `id`, eSputnik numeric id): match key "public_id"/"pk".
    public_id: str | None = None
    pk: int | None = None
    # Vendor paths for canonical names (`{"email": "contacts[3].attributes.email"}`), for issue reporting.
    paths: dict[str, str] = field(default_factory=dict)
    # CSV cells arrive as text: accept "42", "true", "2025-01-01" for typed attributes.
    text_values: bool = False

    def path(self, name: str) -> str:
        return self.paths.get(name, name)


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    keys: tuple[MatchKey, ...] = ("external_id", "email")
    mode: Literal["upsert", "create_only", "update_only"] = "upsert"
    restore_deleted: bool = True
    # What to do with a value that fails its check: drop it with a warning, or fail the whole record.
    invalid_values: Literal["drop", "reject"] = "drop"
    # Unknown attribute / metric codenames: drop with a warning, or fail the record.
    unknown_keys: Literal["drop", "reject"] = "drop"
    # A customer_external_id that names no customer: skip the record (Customerscore) or ignore the link.
    unknown_customer: Literal["skip", "ignore"] = "skip"
    # Only these fields / attribute codenames may overwrite stored values (eSputnik contactFields,
    # customFieldsIDs); None = all. A new contact always takes every field.
    overwrite_fields: frozenset[str] | None = None
    overwrite_attributes: frozenset[str] | None = None
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class IngestSource:
    """Provenance stamped on every contact the ingest touches."""

    name: str  # customerscore, trustmary, pushtech, notifuse, esputnik, api, csv, dashboard
    import_job_id: int | None = None
    api_key_id: int | None = None
    user_id: int | None = None
    create_action: str = "IMPORT_CREATE"
    update_action: str = "IMPORT_UPDATE"


@dataclass(frozen=True, slots=True)
class Issue:
    path: str
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(slots=True)
class RecordResult:
    index: int
    outcome: Outcome
    identity: str = ""  # the record's external id, email or phone, for reports
    contact_id: int | None = None
    contact_public_id: str | None = None
    issues: list[Issue] = field(default_factory=list)
    lists_added: int = 0  # memberships that did not exist before (Trustmary `listsUpdated`)
    row: dict[str, Any] | None = None  # the stored contact, with contacts_ingest(with_rows=True)

    @property
    def ok(self) -> bool:
        return self.outcome not in (Outcome.SKIPPED, Outcome.FAILED)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]
