"""eSputnik (Yespo) JSON → canonical records and query parameters. Pure: no database.

The contact object is the same in `POST /v1/contact` (one contact, synchronous) and in `POST /v1/contacts`
(`contacts: [...]`, asynchronous), so `contact_to_record()` translates one object and reports its problems
with paths under a prefix (`""` → `channels[0].value`, `"contacts[3]"` → `contacts[3].channels[0].value`);
the sync view turns problems into a 400, a bulk import into a per-item report.

Vendor docs: the seed, https://docs.esputnik.com/reference/addupdate-a-contact-request-example ;
the contact object, https://docs.esputnik.com/reference/contactsbulkupdate-1 ; and
`../shared/specs/esputnik.md` (the decisions taken where the vendor is silent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from apps.attributes.coercion import CoercionError
from apps.attributes.definition_rows import AttributeRow
from apps.core.errors import ErrorDetail
from apps.ingest.normalise import (
    normalise_email,
    normalise_language,
    normalise_phone,
    normalise_text,
    normalise_timezone,
)
from apps.ingest.prepare import Definition, Definitions
from apps.ingest.records import ChannelChange, ContactRecord, Issue, ListRef, MatchKey, MatchPolicy

# "We strongly recommend using your External ID as the main identifier" (the seed); then the email channel,
# then the sms channel (`specs/esputnik.md`).
MATCH_KEYS: tuple[MatchKey, ...] = ("external_id", "email", "phone")

# Channel types we store. eSputnik spells web push both `webpush` (API reference) and `webPush` (the seed).
CHANNEL_TYPES = {"email": "email", "sms": "sms", "webpush": "webpush", "mobilepush": "mobilepush"}
MAX_TOKEN_LENGTH = 512  # ChannelSubscription.address

# Both address spellings seen in the wild: the seed's, and the one eSputnik's own plugins send.
ADDRESS_KEYS: dict[str, str] = {
    "city": "city",
    "town": "city",
    "region": "region",
    "country": "country",
    "postalCode": "postcode",
    "postcode": "postcode",
    "addressLine": "address_line1",
    "address": "address_line1",
}
ADDRESS_FIELDS: tuple[str, ...] = ("city", "region", "country", "postcode", "address_line1")
NAME_KEYS: dict[str, str] = {"firstName": "first_name", "lastName": "last_name"}

_MISSING = object()


@dataclass(slots=True)
class FieldById:
    """A custom field addressed by its numeric attribute id; the codename is known only to the database."""

    attribute_id: int
    value: Any
    path: str


@dataclass(slots=True)
class ContactTranslation:
    """One eSputnik contact object, translated. `problems` are request errors (a 400 for the sync endpoint,
    a skipped item in a bulk); `fields_by_id` wait for `fields_by_id_attach()` with the workspace's ids."""

    record: ContactRecord = field(default_factory=lambda: ContactRecord(text_values=True))
    problems: list[ErrorDetail] = field(default_factory=list)
    fields_by_id: list[FieldById] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, path: str, code: str, message: str) -> None:
        self.problems.append(ErrorDetail(path, code, message))


def _at(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return f"{prefix}{name}" if name.startswith("[") else f"{prefix}.{name}"


def positive_id(value: Any) -> int | None:
    """eSputnik ids are numbers; clients send them as numbers or digit strings. None when not an id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.strip().isdigit():
        return positive_id(int(value.strip()))
    return None


# --- the contact object ------------------------------------------------------------------------------


def contact_to_record(item: Any, path_prefix: str = "") -> ContactTranslation:
    """One eSputnik contact object → a ContactRecord plus its problems (paths under `path_prefix`).

    Absent keys leave stored values alone, `null` clears them. The record matches by MATCH_KEYS; custom
    field values are parsed from text (`text_values`), because eSputnik sends every field value as a string.
    Fields given by numeric id are attached by `fields_by_id_attach()` once the workspace's ids are known."""
    tr = ContactTranslation()
    if not isinstance(item, dict):
        tr.problem(path_prefix, "invalid_type", "Expected a contact object.")
        return tr
    record = tr.record
    _contact_id(item, tr, path_prefix)
    _names(item, tr, path_prefix)
    _external_id(item, tr, path_prefix)
    _channels(item, tr, path_prefix)
    _locale(item, tr, path_prefix)
    _address(item, tr, path_prefix)
    _fields(item, tr, path_prefix)
    _groups(item, tr, path_prefix)
    if (
        not tr.problems
        and record.pk is None
        and not any(record.fields.get(k) for k in ("external_id", "email", "phone"))
    ):
        # eSputnik keeps token-only contacts; the hub stores a contact by external id, email or phone.
        tr.problem(
            _at(path_prefix, "channels"),
            "no_identity",
            "An email or sms channel, or externalCustomerId, is needed to identify the contact.",
        )
    return tr


def _contact_id(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    # The contact's own numeric id (present when a client sends back what GET returned): the bulk
    # endpoint's `dedupeOn: "id"` matches on it; the sync endpoint matches on MATCH_KEYS only.
    value = item.get("id")
    if value is None:
        return
    contact_id = positive_id(value)
    if contact_id is None:
        tr.problem(_at(prefix, "id"), "invalid", "Expected a contact id (a positive integer).")
        return
    tr.record.pk = contact_id


def _text_field(item: dict[str, Any], key: str, canonical: str, tr: ContactTranslation, path: str) -> None:
    value = item[key]
    tr.record.paths[canonical] = path
    if value is None:
        tr.record.fields[canonical] = None
        return
    try:
        tr.record.fields[canonical] = normalise_text(canonical, value)
    except CoercionError as exc:
        tr.problem(path, "invalid", f"{exc}.")


def _names(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    for key, canonical in NAME_KEYS.items():
        if key in item:
            _text_field(item, key, canonical, tr, _at(prefix, key))


def _external_id(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    value = item.get("externalCustomerId", _MISSING)
    path = _at(prefix, "externalCustomerId")
    if value is _MISSING or (isinstance(value, str) and not value.strip()):
        return  # "" from a client that has none yet: not a request to clear the stored one
    tr.record.paths["external_id"] = path
    if value is None:
        tr.record.fields["external_id"] = None
        return
    if isinstance(value, bool) or not isinstance(value, str | int):
        tr.problem(path, "invalid_type", "Expected a string.")
        return
    try:
        tr.record.fields["external_id"] = normalise_text("external_id", value)
    except CoercionError as exc:
        tr.problem(path, "invalid", f"{exc}.")


def _channels(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    channels = item.get("channels")
    path = _at(prefix, "channels")
    if channels is None:
        tr.problem(path, "required", "This field is required.")
        return
    if not isinstance(channels, list):
        tr.problem(path, "invalid_type", "Expected an array of channels.")
        return
    if not channels:
        tr.problem(path, "required", "At least one channel is required.")
        return
    seen: set[str] = set()
    for index, channel in enumerate(channels):
        at = _at(path, f"[{index}]")
        if not isinstance(channel, dict):
            tr.problem(at, "invalid_type", "Expected a channel object with type and value.")
            continue
        raw_type = channel.get("type")
        kind = CHANNEL_TYPES.get(raw_type.lower()) if isinstance(raw_type, str) else None
        if kind is None:
            message = (
                "This field is required."
                if raw_type is None
                else f"{raw_type!r} is not a channel type (email, sms, webpush, mobilepush)."
            )
            tr.problem(f"{at}.type", "required" if raw_type is None else "invalid_choice", message)
            continue
        value = channel.get("value")
        if value is None or value == "":
            tr.problem(f"{at}.value", "required", "This field is required.")
            continue
        if kind in ("email", "sms"):
            if kind in seen:
                tr.problem(f"{at}.type", "duplicate", f"A contact has one {kind} channel; this is a second.")
                continue
            seen.add(kind)
            _identity_channel(kind, value, f"{at}.value", tr)
            continue
        if not isinstance(value, str) or not value.strip():
            tr.problem(f"{at}.value", "invalid_type", "Expected the channel's token as a string.")
        elif len(value.strip()) > MAX_TOKEN_LENGTH:
            tr.problem(f"{at}.value", "too_long", f"Longer than {MAX_TOKEN_LENGTH} characters.")
        else:
            tr.record.channels.append(ChannelChange(kind, "subscribed", value.strip()))


def _identity_channel(kind: str, value: Any, path: str, tr: ContactTranslation) -> None:
    """The email and sms channels are also the contact's email and phone (and match keys)."""
    canonical = "email" if kind == "email" else "phone"
    try:
        if kind == "email":
            normalised = normalise_email(value)
        else:
            normalised = normalise_phone(value, settings.PHONE_DEFAULT_REGION)
    except CoercionError as exc:
        tr.problem(path, f"invalid_{canonical}", f"{exc}.")
        return
    tr.record.fields[canonical] = normalised
    tr.record.paths[canonical] = path
    tr.record.paths[f"channels.{kind}"] = path
    tr.record.channels.append(ChannelChange(kind, "subscribed", normalised))


def _locale(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    for key, canonical, normalise in (
        ("languageCode", "language", normalise_language),
        ("timeZone", "timezone", normalise_timezone),
    ):
        if key not in item:
            continue
        path = _at(prefix, key)
        tr.record.paths[canonical] = path
        value = item[key]
        if value is None:
            tr.record.fields[canonical] = None
            continue
        try:
            tr.record.fields[canonical] = normalise(value)
        except CoercionError as exc:
            code = "unknown_time_zone" if canonical == "timezone" else "invalid_language"
            tr.problem(path, code, f"{exc}.")


def _address(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    if "address" not in item:
        return
    address = item["address"]
    path = _at(prefix, "address")
    if address is None:
        for canonical in ADDRESS_FIELDS:  # null clears the whole address
            tr.record.fields[canonical] = None
            tr.record.paths[canonical] = path
        return
    if not isinstance(address, dict):
        tr.problem(path, "invalid_type", "Expected an address object.")
        return
    given: dict[str, tuple[str, Any]] = {}
    for key, canonical in ADDRESS_KEYS.items():
        if key not in address:
            continue
        at = f"{path}.{key}"
        value = address[key]
        if canonical in given:
            other_key, other_value = given[canonical]
            if other_value != value:
                tr.problem(at, "conflict", f"Differs from {path}.{other_key}; send one of the two.")
            continue
        given[canonical] = (key, value)
        _text_field(address, key, canonical, tr, at)


def _fields(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    fields = item.get("fields")
    path = _at(prefix, "fields")
    if fields is None:
        return
    if not isinstance(fields, list):
        tr.problem(path, "invalid_type", "Expected an array of fields.")
        return
    for index, entry in enumerate(fields):
        at = _at(path, f"[{index}]")
        if not isinstance(entry, dict):
            tr.problem(at, "invalid_type", 'Expected a field object: {"name" or "id", "value"}.')
            continue
        if "value" not in entry:
            tr.problem(f"{at}.value", "required", "This field is required.")
            continue
        value = entry["value"]
        if entry.get("id") is not None:
            # eSputnik's plugins address fields by number; the id wins over a name sent with it.
            attribute_id = positive_id(entry["id"])
            if attribute_id is None:
                tr.problem(f"{at}.id", "invalid", "Expected a field id (a positive integer).")
            else:
                tr.fields_by_id.append(FieldById(attribute_id, value, f"{at}.value"))
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            tr.problem(at, "required", 'A field needs a "name" or an "id".')
            continue
        codename = name.strip()
        tr.record.attributes[codename] = value
        tr.record.paths[f"attributes.{codename}"] = f"{at}.value"


def _groups(item: dict[str, Any], tr: ContactTranslation, prefix: str) -> None:
    groups = item.get("groups")
    path = _at(prefix, "groups")
    if groups is None:
        return
    if not isinstance(groups, list):
        tr.problem(path, "invalid_type", "Expected an array of groups.")
        return
    tr.record.paths["lists"] = path
    for index, entry in enumerate(groups):
        at = _at(path, f"[{index}]")
        if not isinstance(entry, dict):
            tr.problem(at, "invalid_type", 'Expected a group object: {"id" and/or "name"}.')
            continue
        raw_id, raw_name = entry.get("id"), entry.get("name")
        public_id = name = None
        if raw_id is not None:
            if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or not str(raw_id).strip():
                tr.problem(f"{at}.id", "invalid", "Expected a group id.")
                continue
            public_id = str(raw_id).strip()
        if raw_name is not None:
            if not isinstance(raw_name, str) or not raw_name.strip():
                tr.problem(f"{at}.name", "invalid", "Expected a group name.")
                continue
            if len(raw_name.strip()) > 255:
                tr.problem(f"{at}.name", "too_long", "Longer than 255 characters.")
                continue
            name = raw_name.strip()
        if public_id is None and name is None:
            tr.problem(at, "required", 'A group needs an "id" or a "name".')
            continue
        # A name that names no list yet creates one ("groups: static segments the contact belongs to").
        tr.record.lists_add.append(ListRef(public_id=public_id, name=name, create=name is not None))


# --- steps that need the workspace's ids (still pure: the caller reads them) ----------------------------


def fields_by_id_attach(tr: ContactTranslation, codenames_by_id: Mapping[int, str]) -> list[Issue]:
    """Put the fields sent by numeric id into the record by codename; ids the workspace does not have are
    dropped and returned as warnings (an unknown name gets the same warning from the ingest)."""
    warnings: list[Issue] = []
    for entry in tr.fields_by_id:
        codename = codenames_by_id.get(entry.attribute_id)
        if codename is None:
            warnings.append(
                Issue(
                    entry.path.removesuffix(".value") + ".id",
                    "unknown_attribute",
                    f"{entry.attribute_id} is not a field id of this workspace; dropped.",
                    "warning",
                )
            )
            continue
        tr.record.attributes[codename] = entry.value
        tr.record.paths[f"attributes.{codename}"] = entry.path
    tr.fields_by_id = []
    return warnings


def groups_needing_lookup(record: ContactRecord) -> list[str]:
    """Group ids sent together with a name: whether the id exists decides which of the two names the list."""
    return [ref.public_id for ref in record.lists_add if ref.public_id and ref.name]


def groups_resolve(record: ContactRecord, missing_public_ids: Iterable[str]) -> None:
    """A group sent with both id and name is the list with that id when there is one, else the list with that
    name (created when missing): a client moving from eSputnik sends eSputnik's numeric ids, which name no
    list here, and the seed's own example describes its group by name."""
    missing = set(missing_public_ids)
    resolved = []
    for ref in record.lists_add:
        if ref.public_id and ref.name:
            if ref.public_id in missing:
                ref = ListRef(name=ref.name, create=True, status=ref.status)
            else:
                ref = ListRef(public_id=ref.public_id, status=ref.status)
        resolved.append(ref)
    record.lists_add = resolved


def ingest_definitions(rows: Iterable[AttributeRow]) -> Definitions:
    """The ingest's view of the attribute definitions, built from the rows already read for their ids (so the
    ingest does not read them again). eSputnik contacts carry no metrics."""
    defs = Definitions()
    for row in rows:
        defs.attributes[row.codename] = Definition(row.type, row.choices, row.archived, row.builtin)
    return defs


def upsert_policy(*, dry_run: bool) -> MatchPolicy:
    # A value of the wrong type is a 400 on the sync endpoint ("reject"); an unknown field is dropped and
    # reported in `warnings`; an upsert that matches a soft-deleted contact restores it (`specs/common.md`).
    return MatchPolicy(
        keys=MATCH_KEYS,
        mode="upsert",
        restore_deleted=True,
        invalid_values="reject",
        unknown_keys="drop",
        dry_run=dry_run,
    )
