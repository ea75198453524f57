"""Trustmary request JSON → canonical records and queries. Pure: no database.

Vendor docs: the seed (`help.trustmary.com/en/articles/5161276-contacts-developers`) and the Integration API's
OpenAPI page (`help.trustmary.com/api`); decisions where they are silent are in `specs/trustmary.md`.
Every problem is a 400 naming Trustmary's own field (`email`, `addToLists[1].id`, `field_score`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.attributes.coercion import CoercionError
from apps.core.errors import ApplicationError, ErrorDetail, validation_error
from apps.ingest.normalise import (
    CONTACT_TYPES,
    normalise_choice,
    normalise_email,
    normalise_phone,
    normalise_text,
)
from apps.ingest.records import ContactRecord, ListRef, MatchPolicy

PAGE_SIZE = 1000  # "a maximum of 1000 contacts per request" (seed, GET /contacts)
MAX_LIST_ITEMS = 1000
FIELD_PREFIX = "field_"
# The OpenAPI page documents `addToLists`; the older page and Trustmary's WordPress plugin send `addToList`.
ADD_KEYS = ("addToLists", "addToList")
REMOVE_KEY = "removeFromLists"
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no", ""})


@dataclass
class ContactUpsert:
    record: ContactRecord
    # list public id → the request path that first named it, to name an unknown list in the 400
    list_paths: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContactsQuery:
    email: str | None
    offset: int
    include_deleted: bool


@dataclass(frozen=True)
class ListsQuery:
    offset: int
    type: str | None


class _Problems:
    """Collects every field problem of one request, so a client sees them all in one 400."""

    def __init__(self) -> None:
        self.details: list[ErrorDetail] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.details.append(ErrorDetail(path, code, message))

    def raise_if_any(self) -> None:
        if self.details:
            raise validation_error(self.details)


def upsert_policy(*, dry_run: bool) -> MatchPolicy:
    # Trustmary matches POST /contacts on email only ("If the email address was unique action will be
    # IMPORT_CREATE, otherwise corresponding contact was updated"). It is a sync call, so a bad value or an
    # unknown custom field fails the request instead of being dropped; a deleted contact is restored.
    return MatchPolicy(
        keys=("email",),
        restore_deleted=True,
        invalid_values="reject",
        unknown_keys="reject",
        dry_run=dry_run,
    )


def split_name(name: str) -> tuple[str | None, str | None]:
    """`processName`: the first word is the first name, the rest the last name ("Ludwig van Beethoven" →
    "Ludwig", "van Beethoven"); one word is a first name only."""
    parts = name.split()
    if not parts:
        return None, None
    return parts[0], " ".join(parts[1:]) or None


def contact_upsert_translate(body: Any, *, phone_region: str | None = None) -> ContactUpsert:
    """POST /contacts body → one record matched on email."""
    if not isinstance(body, Mapping):
        raise validation_error([ErrorDetail("", "invalid", "The body must be a JSON object.")])
    problems = _Problems()
    record = ContactRecord(
        paths={
            "email": "email",
            "external_id": "eid",
            "full_name": "name",
            "first_name": "name",
            "last_name": "name",
            "phone": "phone",
            "company": "company",
            "type": "type",
            "lists": "addToLists",
        }
    )
    fields = record.fields

    email = body.get("email")
    if email is None:
        problems.add("email", "required", "This field is required.")
    else:
        try:
            fields["email"] = normalise_email(email)
        except CoercionError as exc:
            problems.add("email", "invalid", f"{exc}.")

    if "name" in body:
        name = _text(problems, body, "name", "full_name")
        fields["full_name"] = name
        process = body.get("processName", False)
        if not isinstance(process, bool):
            problems.add("processName", "invalid", "Expected true or false.")
        elif process:
            fields["first_name"], fields["last_name"] = split_name(name or "")
    elif "processName" in body and not isinstance(body["processName"], bool):
        problems.add("processName", "invalid", "Expected true or false.")

    if "eid" in body:
        fields["external_id"] = _text(problems, body, "eid", "external_id")
    if "company" in body:
        fields["company"] = _text(problems, body, "company", "company")
    if "phone" in body:
        phone = body["phone"]
        if phone is None or phone == "":
            fields["phone"] = None
        else:
            try:
                fields["phone"] = normalise_phone(phone, phone_region)
            except CoercionError as exc:
                problems.add("phone", "invalid", f"{exc}.")
    if "type" in body:
        try:
            fields["type"] = normalise_choice(body["type"], CONTACT_TYPES)
        except CoercionError:
            problems.add("type", "invalid", "Allowed values: customer, employee.")

    list_paths: dict[str, str] = {}
    for key in ADD_KEYS:
        for list_id, path in _list_ids(problems, body, key):
            if list_id not in list_paths:
                record.lists_add.append(ListRef(public_id=list_id))
            list_paths.setdefault(list_id, path)
    for list_id, path in _list_ids(problems, body, REMOVE_KEY):
        record.lists_remove.append(ListRef(public_id=list_id))
        list_paths.setdefault(list_id, path)
    if len(list_paths) > MAX_LIST_ITEMS:
        problems.add("addToLists", "too_many", f"At most {MAX_LIST_ITEMS} lists per request.")

    for key, value in body.items():
        if not isinstance(key, str) or not key.startswith(FIELD_PREFIX):
            continue  # Trustmary ignores keys it does not know
        codename = key[len(FIELD_PREFIX) :]
        if not codename:
            problems.add(key, "invalid", "A custom field needs a name after 'field_'.")
            continue
        record.attributes[codename] = value
        record.paths[f"attributes.{codename}"] = key

    problems.raise_if_any()
    return ContactUpsert(record=record, list_paths=list_paths)


def _text(problems: _Problems, body: Mapping[str, Any], key: str, canonical: str) -> str | None:
    value = body[key]
    if value is None:
        return None
    try:
        return normalise_text(canonical, value)
    except CoercionError as exc:
        problems.add(key, "invalid", f"{exc}.")
        return None


def _list_ids(problems: _Problems, body: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    """List ids with their paths. Items are ids, or `{"id": ..., "segment": ...}` objects (OpenAPI
    `AddToContactListItem`); the segment only triggers a Trustmary automation, which the hub has none of."""
    if key not in body or body[key] is None:
        return []
    items = body[key]
    if not isinstance(items, list):
        problems.add(key, "invalid", "Expected an array of list ids.")
        return []
    out = []
    for index, item in enumerate(items):
        path = f"{key}[{index}]"
        if isinstance(item, Mapping):
            path = f"{path}.id"
            item = item.get("id")
        if not isinstance(item, str) or not item.strip():
            problems.add(path, "invalid", "Expected a list id (a non-empty string).")
            continue
        out.append((item.strip(), path))
    return out


def contact_delete_translate(body: Any) -> str:
    """DELETE /contacts body `{"email": ...}` → the normalised email."""
    if not isinstance(body, Mapping):
        raise validation_error([ErrorDetail("", "invalid", "The body must be a JSON object.")])
    email = body.get("email")
    if email is None:
        raise validation_error([ErrorDetail("email", "required", "This field is required.")])
    try:
        return normalise_email(email)
    except CoercionError as exc:
        raise validation_error([ErrorDetail("email", "invalid", f"{exc}.")]) from None


def contacts_query_translate(params: Mapping[str, str]) -> ContactsQuery:
    """GET /contacts query: `email` (exact, trimmed, lower-cased), `offset`, `includeAll`."""
    email = (params.get("email") or "").strip().lower() or None
    return ContactsQuery(
        email=email,
        offset=_offset(params),
        include_deleted=_flag(params, "includeAll"),
    )


def lists_query_translate(params: Mapping[str, str]) -> ListsQuery:
    return ListsQuery(offset=_offset(params), type=(params.get("type") or "").strip() or None)


def _offset(params: Mapping[str, str]) -> int:
    raw = (params.get("offset") or "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or len(raw) > 12:
        raise _query_error("offset", "Expected a whole number of 0 or more (0, 1000, 2000, ...).")
    return int(raw)


def _flag(params: Mapping[str, str], name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise _query_error(name, "Expected true or false.")


def _query_error(name: str, message: str) -> ApplicationError:
    return validation_error([ErrorDetail(name, "invalid", message)])
