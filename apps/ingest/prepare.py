"""Step one of the ingest: check and normalise each record on its own (pure; no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from apps.attributes.builtins import BUILTIN_CODENAMES
from apps.attributes.coercion import CoercionError, coerce_value, parse_date
from apps.contacts.models import Channel, SubscriptionStatus
from apps.ingest.normalise import normalise_field
from apps.ingest.records import CONTACT_FIELD_SET, ContactRecord, Issue, MatchPolicy

# A cleared non-null column falls back to its default.
FIELD_DEFAULTS: dict[str, Any] = {"type": "customer", "status": "active"}


@dataclass(frozen=True, slots=True)
class Definition:
    type: str
    choices: tuple[str, ...] = ()
    archived: bool = False
    builtin: bool = False


@dataclass(slots=True)
class Definitions:
    """The workspace's attribute and metric definitions, loaded once per ingest call."""

    attributes: dict[str, Definition] = field(default_factory=dict)
    metrics: dict[str, Definition] = field(default_factory=dict)


@dataclass(slots=True)
class Prepared:
    index: int
    record: ContactRecord
    fields: dict[str, Any]
    attributes: dict[str, Any]
    metrics: dict[dt.date, dict[str, Any]]
    issues: list[Issue]
    failed: bool = False
    # The caller's record is never written to: what preparing adds lives here.
    paths: dict[str, str] = field(default_factory=dict)
    tags_add: list[str] = field(default_factory=list)
    tags_remove: list[str] = field(default_factory=list)

    def path(self, name: str) -> str:
        return self.paths.get(name) or self.record.path(name)

    def identity(self, key: str) -> Any:
        if key == "public_id":
            return self.record.public_id
        if key == "pk":
            return self.record.pk
        return self.fields.get(key)

    def describe(self) -> str:
        for key in ("external_id", "email", "phone"):
            value = self.fields.get(key)
            if value:
                return str(value)
        return self.record.public_id or (str(self.record.pk) if self.record.pk else "")


def _problem(
    prepared: Prepared, policy: MatchPolicy, path: str, code: str, message: str, *, reject: bool
) -> None:
    """Record a bad value: a warning that it was dropped, or an error that fails the record when the policy
    rejects (the message then does not claim the value was dropped)."""
    if reject:
        prepared.issues.append(Issue(path, code, message.removesuffix("; dropped."), "error"))
        prepared.failed = True
    else:
        prepared.issues.append(Issue(path, code, message, "warning"))


MAX_TAG_LENGTH = 100
CHANNELS = frozenset(Channel.values)
SUBSCRIPTION_STATUSES = frozenset(SubscriptionStatus.values)


def _valid_tags(prepared: Prepared, names: list[str], field: str) -> list[str]:
    """Tag names that fit (1-100 characters, text without NUL); the others are dropped with a warning."""
    valid = []
    for name in names:
        tag = name.strip() if isinstance(name, str) else ""
        if tag and len(tag) <= MAX_TAG_LENGTH and "\x00" not in tag:
            valid.append(tag)
        else:
            prepared.issues.append(
                Issue(
                    prepared.path(field),
                    "invalid_tag",
                    f"{str(name)[:40]!r} is not a tag name (1-{MAX_TAG_LENGTH} characters); dropped.",
                    "warning",
                )
            )
    return valid


def prepare_record(
    index: int, record: ContactRecord, defs: Definitions, policy: MatchPolicy, default_region: str | None
) -> Prepared:
    prepared = Prepared(index, record, {}, {}, {}, [])
    reject_invalid = policy.invalid_values == "reject"
    reject_unknown = policy.unknown_keys == "reject"

    raw_fields = dict(record.fields)
    for codename, value in record.attributes.items():
        definition = defs.attributes.get(codename)
        if codename in BUILTIN_CODENAMES and (definition is None or definition.builtin):
            # Built-in codenames land in the contact's own columns, so every dialect sees one email.
            if codename not in raw_fields:
                raw_fields[codename] = value
                prepared.paths.setdefault(codename, record.path(f"attributes.{codename}"))
            continue
        if definition is None or definition.archived:
            path = record.path(f"attributes.{codename}")
            reason = "is archived" if definition is not None else "is not an attribute of this workspace"
            _problem(
                prepared,
                policy,
                path,
                "unknown_attribute",
                f"{codename!r} {reason}; dropped.",
                reject=reject_unknown,
            )
            continue
        if value is None:
            prepared.attributes[codename] = None
            continue
        try:
            prepared.attributes[codename] = coerce_value(
                definition.type, value, choices=definition.choices, text=record.text_values
            )
        except CoercionError as exc:
            path = record.path(f"attributes.{codename}")
            _problem(prepared, policy, path, "invalid_value", f"{exc}; dropped.", reject=reject_invalid)

    for name, value in raw_fields.items():
        if name not in CONTACT_FIELD_SET:
            raise ValueError(f"unknown canonical field {name!r}")  # a translator bug, not bad input
        if value is None or (value == "" and name in ("email", "external_id", "phone", "birth_date")):
            prepared.fields[name] = FIELD_DEFAULTS.get(name)
            continue
        try:
            prepared.fields[name] = normalise_field(name, value, default_region=default_region)
        except CoercionError as exc:
            _problem(
                prepared, policy, prepared.path(name), f"invalid_{name}", str(exc), reject=reject_invalid
            )

    for change in record.channels:
        if change.channel not in CHANNELS or change.status not in SUBSCRIPTION_STATUSES:
            _problem(
                prepared,
                policy,
                prepared.path(f"channels.{change.channel}"),
                "invalid_channel",
                f"{change.channel!r} / {change.status!r} is not a known channel and status; dropped.",
                reject=reject_invalid,
            )
    if record.tags_add or record.tags_remove:
        prepared.tags_add = _valid_tags(prepared, record.tags_add, "tags_add")
        prepared.tags_remove = _valid_tags(prepared, record.tags_remove, "tags_remove")

    for raw_date, values in record.metrics.items():
        try:
            date = parse_date(raw_date)
        except CoercionError as exc:
            _problem(
                prepared,
                policy,
                record.path(f"metrics[{raw_date}]"),
                "invalid_date",
                str(exc),
                reject=reject_invalid,
            )
            continue
        merged = prepared.metrics.setdefault(date, {})
        for codename, value in values.items():
            definition = defs.metrics.get(codename)
            if definition is None or definition.archived:
                path = record.path(f"metrics[{date.isoformat()}].{codename}")
                _problem(
                    prepared,
                    policy,
                    path,
                    "unknown_metric",
                    f"{codename!r} is not a metric of this workspace; dropped.",
                    reject=reject_unknown,
                )
                continue
            if value is None:
                merged[codename] = None
                continue
            try:
                merged[codename] = coerce_value(definition.type, value, text=record.text_values)
            except CoercionError as exc:
                path = record.path(f"metrics[{date.isoformat()}].{codename}")
                _problem(prepared, policy, path, "invalid_value", f"{exc}; dropped.", reject=reject_invalid)
    return prepared
