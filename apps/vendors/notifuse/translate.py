"""Notifuse JSON → canonical records and queries. Pure: no database.

The rules are Notifuse's own, read from `internal/domain/contact.go` (FromJSON, parseNullableString,
parseNullableFloat, parseNullableTime, NormalizeEmail, BatchImportContactsRequest.Validate,
GetContactsRequest.FromQueryParams) and `internal/service/contact_service.go` (BatchImportContacts), so a
client gets the answer Notifuse would give, word for word where the wording is Notifuse's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.attributes.coercion import CoercionError, coerce_value
from apps.ingest.normalise import (
    normalise_email,
    normalise_language,
    normalise_phone,
    normalise_text,
    normalise_timezone,
)
from apps.ingest.records import ContactRecord, ListRef, MatchPolicy
from apps.vendors.notifuse.errors import INVALID_BODY, bad_request

MAX_IMPORT_CONTACTS = 10_000
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# Notifuse's string columns → the hub's contact columns.
CONTACT_COLUMNS: dict[str, str] = {
    "external_id": "external_id",
    "timezone": "timezone",
    "language": "language",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "phone": "phone",
    "address_line_1": "address_line1",
    "address_line_2": "address_line2",
    "country": "country",
    "postcode": "postcode",
    "state": "region",
    "job_title": "job_title",
}
# Notifuse's fixed typed slots, stored as custom attributes under the same codenames. The seed's
# lifetime_value / orders_count / last_order_at are kept although current Notifuse dropped them.
SLOT_TYPES: dict[str, str] = {
    "lifetime_value": "number",
    "orders_count": "number",
    "last_order_at": "datetime",
    **{f"custom_string_{i}": "string" for i in range(1, 6)},
    **{f"custom_number_{i}": "number" for i in range(1, 6)},
    **{f"custom_datetime_{i}": "datetime" for i in range(1, 6)},
    **{f"custom_json_{i}": "json" for i in range(1, 6)},
}
# FromJSON checks the fields in this order and reports the first problem.
CHECK_ORDER: tuple[str, ...] = (
    *CONTACT_COLUMNS,
    "lifetime_value",
    "orders_count",
    "last_order_at",
    *(f"custom_string_{i}" for i in range(1, 6)),
    *(f"custom_number_{i}" for i in range(1, 6)),
    *(f"custom_datetime_{i}" for i in range(1, 6)),
    *(f"custom_json_{i}" for i in range(1, 6)),
)
# The hub cannot store "" in these columns (unique identity, E.164, validated codes): "" clears them.
_EMPTY_CLEARS = frozenset({"external_id", "phone", "language", "timezone"})
# Go's time.RFC3339 layout: a full date, `T`, a full time with optional fraction, and `Z` or an offset.
_RFC3339_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})\Z")
# Go's unicode.IsSpace: these control characters plus every separator (Zs, Zl, Zp).
_GO_SPACE_CONTROLS = frozenset("\t\n\v\f\r\x85")

# Matched on the normalised email only; a bad value fails the record so the endpoint can say which.
POLICY = MatchPolicy(keys=("email",), invalid_values="reject", unknown_keys="reject")
# Notifuse's contact_lists.status ↔ the hub's membership status.
LIST_STATUS_TO_HUB = {
    "active": "subscribed",
    "pending": "pending",
    "unsubscribed": "unsubscribed",
    "bounced": "bounced",
    "complained": "complained",
}
LIST_FILTERS = (
    "email",
    "external_id",
    "first_name",
    "last_name",
    "full_name",
    "phone",
    "country",
    "language",
)


class ContactInvalid(ValueError):
    """What FromJSON / Validate would say about one contact; the caller adds its prefix."""


@dataclass(frozen=True, slots=True)
class NotifuseContact:
    email: str
    fields: dict[str, Any]  # canonical contact fields sent (None = clear); absent keys stay as stored
    attributes: dict[str, Any]  # slot codename → value in its stored form, None = clear


@dataclass(frozen=True, slots=True)
class ImportItem:
    index: int
    email: str
    contact: NotifuseContact | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ListQuery:
    contains: dict[str, str] = field(default_factory=dict)
    list_id: str | None = None
    list_status: str | None = None
    limit: int = DEFAULT_LIMIT
    before: tuple[dt.datetime, int] | None = None
    with_contact_lists: bool = False


# --- values -------------------------------------------------------------------------------------------------


def _is_go_space(char: str) -> bool:
    return char in _GO_SPACE_CONTROLS or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def trim_unicode_space(text: str) -> str:
    """strings.TrimFunc(s, unicode.IsSpace): also NBSP and the other Unicode spaces CSV exports carry."""
    start, end = 0, len(text)
    while start < end and _is_go_space(text[start]):
        start += 1
    while end > start and _is_go_space(text[end - 1]):
        end -= 1
    return text[start:end]


def normalise_notifuse_email(value: Any) -> str:
    """NormalizeEmail: trimmed of every Unicode space and lower-cased ("" when not a string)."""
    return trim_unicode_space(value).lower() if isinstance(value, str) else ""


def gjson_type(value: Any) -> str:
    """The type names Notifuse's messages use (gjson.Type.String())."""
    if value is None:
        return "Null"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, str):
        return "String"
    return "JSON"


def checked_email(value: Any) -> str:
    """The normalised email, or ContactInvalid with Contact.Validate's words."""
    if value is not None and not isinstance(value, str):
        raise ContactInvalid("invalid email format")
    email = normalise_notifuse_email(value)
    if not email:
        raise ContactInvalid("email is required")
    try:
        return normalise_email(email)
    except CoercionError:
        raise ContactInvalid("invalid email format") from None


def _column_value(name: str, text: str, default_region: str | None) -> str | None:
    if text == "" and name in _EMPTY_CLEARS:
        return None
    try:
        if name == "phone":
            return normalise_phone(text, default_region)
        if name == "language":
            return normalise_language(text)
        if name == "timezone":
            return normalise_timezone(text)
        return normalise_text(CONTACT_COLUMNS[name], text)
    except CoercionError as exc:
        raise ContactInvalid(f"invalid value for {name}: {exc}") from None


def _slot_value(name: str, value: Any) -> Any:
    kind = SLOT_TYPES[name]
    if kind == "json":
        if not isinstance(value, dict | list):
            raise ContactInvalid(f"invalid JSON value for {name}, got {gjson_type(value)}")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ContactInvalid(f"invalid type for {name}: expected number, got {gjson_type(value)}")
    elif not isinstance(value, str):
        raise ContactInvalid(f"invalid type for {name}: expected string, got {gjson_type(value)}")
    elif kind == "string":
        value = trim_unicode_space(value)
    elif not _RFC3339_RE.match(value):
        raise ContactInvalid(f'invalid time format for {name}: parsing time "{value}" as RFC 3339 failed')
    try:
        return coerce_value(kind, value.upper() if kind == "datetime" else value)
    except CoercionError as exc:
        if kind == "datetime":
            raise ContactInvalid(f'invalid time format for {name}: parsing time "{value}": {exc}') from None
        raise ContactInvalid(f"invalid value for {name}: {exc}") from None


def parse_contact(raw: Any, *, default_region: str | None = None) -> NotifuseContact:
    """One Notifuse contact object → its normalised email, canonical fields and slot attributes.

    Absent key = leave as stored, null = clear, "" = store "" (except where the hub cannot: `_EMPTY_CLEARS`).
    created_at / updated_at and unknown keys are ignored."""
    if not isinstance(raw, dict):
        raise ContactInvalid("email is required")  # gjson finds no email in a non-object
    email = checked_email(raw.get("email"))
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for name in CHECK_ORDER:
        if name not in raw:
            continue
        value = raw[name]
        if name in CONTACT_COLUMNS:
            if value is None:
                fields[CONTACT_COLUMNS[name]] = None
            elif isinstance(value, str):
                fields[CONTACT_COLUMNS[name]] = _column_value(name, trim_unicode_space(value), default_region)
            else:
                raise ContactInvalid(f"invalid type for {name}: expected string, got {gjson_type(value)}")
        else:
            attributes[name] = None if value is None else _slot_value(name, value)
    return NotifuseContact(email=email, fields=fields, attributes=attributes)


# --- requests -----------------------------------------------------------------------------------------------


def body_object(data: Any) -> dict[str, Any]:
    """The request body as an object; Go's json.Unmarshal into a struct refuses anything else."""
    if not isinstance(data, dict):
        raise bad_request(INVALID_BODY)
    return data


def workspace_id_of(body: Mapping[str, Any], *, missing: str = "workspace_id is required") -> str:
    value = body.get("workspace_id")
    if value is not None and not isinstance(value, str):
        raise bad_request(INVALID_BODY)  # a number cannot be decoded into Go's string field
    if not value:
        raise bad_request(missing)
    return value


def upsert_contact(body: Mapping[str, Any], *, default_region: str | None = None) -> NotifuseContact:
    """UpsertContactRequest.Validate: `contact` must be there, and parse."""
    if "contact" not in body:
        raise bad_request("contact field is required")
    try:
        return parse_contact(body["contact"], default_region=default_region)
    except ContactInvalid as exc:
        raise bad_request(f"invalid contact: {exc}") from None


def import_items(body: Mapping[str, Any], *, default_region: str | None = None) -> list[ImportItem]:
    """BatchImportContactsRequest.Validate, then the service's per-item validation and de-duplication: a bad
    item becomes an error operation, and of a repeated email only the last copy is applied (earlier copies
    get no operation, as in Notifuse)."""
    contacts = body.get("contacts")
    if not isinstance(contacts, list):
        raise bad_request("contacts must be an array")
    if not contacts:
        raise bad_request("contacts array is empty")
    if len(contacts) > MAX_IMPORT_CONTACTS:
        raise bad_request(f"contacts array has {len(contacts)} items; the maximum is {MAX_IMPORT_CONTACTS}")
    items: list[ImportItem] = []
    for index, raw in enumerate(contacts):
        try:
            contact = parse_contact(raw, default_region=default_region)
        except ContactInvalid as exc:
            email = normalise_notifuse_email(raw.get("email")) if isinstance(raw, dict) else ""
            items.append(ImportItem(index, email, error=f"invalid contact at index {index}: {exc}"))
        else:
            items.append(ImportItem(index, contact.email, contact=contact))
    last = {item.email: item.index for item in items if item.contact is not None}
    return [item for item in items if item.contact is None or last[item.email] == item.index]


def list_ids_of(body: Mapping[str, Any], key: str, *, required: str | None = None) -> list[str]:
    """An array of list ids (`subscribe_to_lists`, `list_ids`); a wrong type cannot be decoded by Notifuse."""
    value = body.get(key)
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise bad_request(INVALID_BODY)
    ids = list(dict.fromkeys(value or []))
    if required is not None and not ids:
        raise bad_request(required)
    return ids


def subscribe_contact(body: Mapping[str, Any], *, default_region: str | None = None) -> NotifuseContact:
    """SubscribeToListsRequest.Validate: the contact must carry a valid email."""
    try:
        return parse_contact(body.get("contact"), default_region=default_region)
    except ContactInvalid as exc:
        raise bad_request(f"invalid contact: {exc}") from None


def delete_email(body: Mapping[str, Any]) -> str:
    """DeleteContactRequest.Validate, on the normalised email (the service normalises before it deletes)."""
    try:
        return checked_email(body.get("email"))
    except ContactInvalid as exc:
        raise bad_request(str(exc)) from None


def list_query(params: Mapping[str, str]) -> ListQuery:
    """GetContactsRequest.FromQueryParams: substring filters, list membership, limit 1-100, opaque cursor."""
    contains = {name: params[name] for name in LIST_FILTERS if params.get(name)}
    limit = DEFAULT_LIMIT
    if params.get("limit"):
        try:
            limit = int(params["limit"])
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise bad_request(f"limit must be between 1 and {MAX_LIMIT}")
    status = params.get("contact_list_status") or None
    if status is not None and status not in LIST_STATUS_TO_HUB:
        raise bad_request(f"invalid contact_list_status: {status}")
    with_lists = params.get("with_contact_lists", "").lower()
    if with_lists not in ("", "true", "false", "1", "0"):
        raise bad_request(f"invalid with_contact_lists: {params['with_contact_lists']}")
    return ListQuery(
        contains=contains,
        list_id=params.get("list_id") or None,
        list_status=LIST_STATUS_TO_HUB[status] if status else None,
        limit=limit,
        before=cursor_decode(params["cursor"]) if params.get("cursor") else None,
        with_contact_lists=with_lists in ("true", "1"),
    )


def cursor_encode(created_at: dt.datetime, contact_id: int) -> str:
    raw = f"{created_at.astimezone(dt.UTC).isoformat()}|{contact_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, contact_id = text.rpartition("|")
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive")
        return created_at, int(contact_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("invalid cursor") from None


# --- records ------------------------------------------------------------------------------------------------


def record_for(
    contact: NotifuseContact, *, path: str, list_ids: Sequence[str] = (), lists_path: str = "list_ids"
) -> ContactRecord:
    """The canonical record of one contact; `path` names it in issues (`contact`, `contacts[3]`)."""
    columns = {canonical: name for name, canonical in CONTACT_COLUMNS.items()}
    return ContactRecord(
        fields={"email": contact.email, **contact.fields},
        attributes=dict(contact.attributes),
        lists_add=[ListRef(public_id=list_id) for list_id in list_ids],
        paths={
            "email": f"{path}.email",
            "lists": lists_path,
            **{canonical: f"{path}.{name}" for canonical, name in columns.items()},
            **{f"attributes.{slot}": f"{path}.{slot}" for slot in contact.attributes},
        },
    )


def slot_types(contacts: Iterable[NotifuseContact]) -> dict[str, str]:
    """The slots these contacts use, with their types: the attribute definitions they need."""
    return {slot: SLOT_TYPES[slot] for contact in contacts for slot in contact.attributes}
