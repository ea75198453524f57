"""eSputnik's bulk request `POST /v1/contacts`: its shape, and what the view reads for it once. Pure: no
database (the view passes the rows it read).

`{"contacts": [<contact object>, ...], "dedupeOn", "contactFields", "customFieldsIDs", "groupNames",
"groupNamesExclude", "restoreDeleted"}` (https://docs.esputnik.com/reference/contactsbulkupdate-1 ,
`../shared/specs/esputnik.md`). A request whose shape is wrong is a 400 naming the field (nothing is
stored); a contact that cannot be stored is an item of the job's report (`bulk.py`).

The workspace's numeric field ids and list ids are database facts. The view reads the few it needs once,
when it accepts the request, and the job's `options` carry them (`job_options()`), so the plan made from
the stored payload later is still pure and sees what the client was told was accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.attributes.definition_rows import AttributeRow
from apps.core.errors import ErrorDetail, validation_error
from apps.ingest.records import MatchKey
from apps.vendors.esputnik.translate import ADDRESS_FIELDS, positive_id

MAX_CONTACTS = 3000  # "contacts: 1 to 3000"
MAX_DETAILS = 100  # a 400 lists at most this many problems
MAX_GROUP_NAME = 255  # ContactList.name

# `dedupeOn` (lower-cased) → its spelling in eSputnik's docs and the hub's match key.
DEDUPE_ON: dict[str, tuple[str, MatchKey]] = {
    "email": ("email", "email"),
    "sms": ("sms", "phone"),
    "externalcustomerid": ("externalCustomerId", "external_id"),
    "id": ("id", "pk"),
}

# `contactFields` (lower-cased) → the canonical fields it lets overwrite. eSputnik names the address parts
# after its plugin spelling (`town`, `postcode`, `address`); the seed's spellings are accepted too, and
# `address` is the whole address object. Channel names are accepted and overwrite nothing: a channel is a
# subscription, which a bulk only ever adds.
CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "firstname": ("first_name",),
    "lastname": ("last_name",),
    "email": ("email",),
    "sms": ("phone",),
    "externalcustomerid": ("external_id",),
    "languagecode": ("language",),
    "timezone": ("timezone",),
    "address": ADDRESS_FIELDS,
    "addressline": ("address_line1",),
    "town": ("city",),
    "city": ("city",),
    "region": ("region",),
    "country": ("country",),
    "postcode": ("postcode",),
    "postalcode": ("postcode",),
    "webpush": (),
    "mobilepush": (),
}

# Job options: what the view read from the database when it accepted the request.
FIELD_CODENAMES_OPTION = "field_codenames"  # {"<attribute id>": codename} for the ids the request names
MISSING_GROUP_IDS_OPTION = "missing_group_ids"  # group ids sent with a name that name no list


@dataclass(frozen=True, slots=True)
class BulkRequest:
    contacts: list[Any]
    dedupe_on: str  # eSputnik's spelling: email, sms, externalCustomerId, id
    contact_fields: frozenset[str] | None  # canonical fields that may overwrite; None: all
    custom_field_ids: tuple[int, ...] | None  # attribute ids that may overwrite; None: all
    group_names: tuple[str, ...] = ()
    group_names_exclude: tuple[str, ...] = ()
    restore_deleted: bool = False

    @property
    def match_key(self) -> MatchKey:
        return DEDUPE_ON[self.dedupe_on.lower()][1]


# --- the request's shape -------------------------------------------------------------------------------


def bulk_request_parse(body: Any) -> BulkRequest:
    """The request's parts, or a 400 naming every field whose shape is wrong."""
    problems: list[ErrorDetail] = []
    if not isinstance(body, dict):
        raise validation_error(
            [ErrorDetail("", "invalid_type", 'Expected a JSON object: {"contacts": [...], "dedupeOn": ...}.')]
        )
    contacts = _contacts(body, problems)
    dedupe_on = _dedupe_on(body, problems)
    contact_fields = _contact_fields(body, problems)
    custom_field_ids = _custom_field_ids(body, problems)
    group_names = _names(body, "groupNames", problems)
    excluded = _names(body, "groupNamesExclude", problems)
    for index, name in enumerate(excluded):
        if name in group_names:
            problems.append(
                ErrorDetail(
                    f"groupNamesExclude[{index}]",
                    "conflict",
                    f"{name!r} is also in groupNames; a contact cannot be added to and removed from it.",
                )
            )
    restore = body.get("restoreDeleted")
    if restore is not None and not isinstance(restore, bool):
        problems.append(ErrorDetail("restoreDeleted", "invalid_type", "Expected true or false."))
    if problems:
        raise validation_error(problems[:MAX_DETAILS])
    return BulkRequest(
        contacts=contacts,
        dedupe_on=dedupe_on,
        contact_fields=contact_fields,
        custom_field_ids=custom_field_ids,
        group_names=group_names,
        group_names_exclude=excluded,
        restore_deleted=bool(restore),
    )


def _contacts(body: dict[str, Any], problems: list[ErrorDetail]) -> list[Any]:
    contacts = body.get("contacts")
    if contacts is None:
        problems.append(ErrorDetail("contacts", "required", "This field is required."))
        return []
    if not isinstance(contacts, list):
        problems.append(ErrorDetail("contacts", "invalid_type", "Expected an array of contacts."))
        return []
    if not contacts:
        problems.append(ErrorDetail("contacts", "required", "At least one contact is required."))
    elif len(contacts) > MAX_CONTACTS:
        problems.append(
            ErrorDetail(
                "contacts",
                "too_many",
                f"At most {MAX_CONTACTS} contacts per request, got {len(contacts)}.",
            )
        )
        return []
    for index, item in enumerate(contacts):
        if not isinstance(item, dict):
            problems.append(ErrorDetail(f"contacts[{index}]", "invalid_type", "Expected a contact object."))
    return contacts


def _dedupe_on(body: dict[str, Any], problems: list[ErrorDetail]) -> str:
    value = body.get("dedupeOn")
    accepted = ", ".join(spelling for spelling, _ in DEDUPE_ON.values())
    if value is None:
        problems.append(ErrorDetail("dedupeOn", "required", f"This field is required (one of {accepted})."))
        return ""
    known = DEDUPE_ON.get(value.strip().lower()) if isinstance(value, str) else None
    if known is None:
        problems.append(ErrorDetail("dedupeOn", "invalid_choice", f"{value!r} is not one of {accepted}."))
        return ""
    return known[0]


def _array(body: dict[str, Any], key: str, problems: list[ErrorDetail]) -> list[Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        problems.append(ErrorDetail(key, "invalid_type", "Expected an array."))
        return None
    return value


def _contact_fields(body: dict[str, Any], problems: list[ErrorDetail]) -> frozenset[str] | None:
    names = _array(body, "contactFields", problems)
    if names is None:
        return None  # not sent: every standard field sent may overwrite (README, "contactFields")
    canonical: set[str] = set()
    for index, name in enumerate(names):
        fields = CONTACT_FIELDS.get(name.strip().lower()) if isinstance(name, str) else None
        if fields is None:
            problems.append(
                ErrorDetail(
                    f"contactFields[{index}]",
                    "invalid_choice",
                    f"{name!r} is not a contact field (firstName, lastName, email, sms, externalCustomerId, "
                    "languageCode, timeZone, address, town, region, country, postcode).",
                )
            )
            continue
        canonical.update(fields)
    return frozenset(canonical)


def _custom_field_ids(body: dict[str, Any], problems: list[ErrorDetail]) -> tuple[int, ...] | None:
    values = _array(body, "customFieldsIDs", problems)
    if values is None:
        return None
    ids: list[int] = []
    for index, value in enumerate(values):
        field_id = positive_id(value)
        if field_id is None:
            problems.append(
                ErrorDetail(
                    f"customFieldsIDs[{index}]", "invalid", "Expected a field id (a positive integer)."
                )
            )
        elif field_id not in ids:
            ids.append(field_id)
    return tuple(ids)


def _names(body: dict[str, Any], key: str, problems: list[ErrorDetail]) -> tuple[str, ...]:
    values = _array(body, key, problems) or []
    names: list[str] = []
    for index, value in enumerate(values):
        name = value.strip() if isinstance(value, str) else ""
        if not name:
            problems.append(ErrorDetail(f"{key}[{index}]", "invalid", "Expected a group name."))
        elif len(name) > MAX_GROUP_NAME:
            problems.append(
                ErrorDetail(f"{key}[{index}]", "too_long", f"Longer than {MAX_GROUP_NAME} characters.")
            )
        elif name not in names:
            names.append(name)
    return tuple(names)


# --- what the view reads once, at accept time ------------------------------------------------------------


def field_ids_referenced(request: BulkRequest) -> set[int]:
    """Attribute ids the request names: `customFieldsIDs` and every contact's `fields[].id`."""
    ids = set(request.custom_field_ids or ())
    for item in request.contacts:
        fields = item.get("fields") if isinstance(item, dict) else None
        if isinstance(fields, list):
            for entry in fields:
                if isinstance(entry, dict) and entry.get("id") is not None:
                    field_id = positive_id(entry["id"])
                    if field_id is not None:
                        ids.add(field_id)
    return ids


def group_ids_needing_lookup(request: BulkRequest) -> list[str]:
    """Group ids sent together with a name: whether the id names a list decides which of the two is used
    (`translate.groups_resolve`)."""
    ids: set[str] = set()
    for item in request.contacts:
        groups = item.get("groups") if isinstance(item, dict) else None
        if isinstance(groups, list):
            for entry in groups:
                if not isinstance(entry, dict):
                    continue
                raw_id, name = entry.get("id"), entry.get("name")
                named = isinstance(name, str) and bool(name.strip())
                if (
                    named
                    and isinstance(raw_id, str | int)
                    and not isinstance(raw_id, bool)
                    and str(raw_id).strip()
                ):
                    ids.add(str(raw_id).strip())
    return sorted(ids)


def field_codenames(request: BulkRequest, rows: Iterable[AttributeRow]) -> dict[int, str]:
    """The codenames of the attribute ids the request names. An id in `customFieldsIDs` that is no field of
    the workspace is a 400 (the request asks to overwrite a field that does not exist); an unknown id in a
    contact's `fields` is that contact's warning, as in `POST /v1/contact`."""
    wanted = field_ids_referenced(request)
    codenames = {row.id: row.codename for row in rows if row.id in wanted}
    unknown = [
        ErrorDetail(
            f"customFieldsIDs[{index}]", "unknown_field", f"{field_id} is not a field id of this workspace."
        )
        for index, field_id in enumerate(request.custom_field_ids or ())
        if field_id not in codenames
    ]
    if unknown:
        raise validation_error(unknown[:MAX_DETAILS])
    return codenames


def job_options(codenames: Mapping[int, str], missing_group_ids: Iterable[str]) -> dict[str, Any]:
    return {
        FIELD_CODENAMES_OPTION: {str(field_id): codename for field_id, codename in sorted(codenames.items())},
        MISSING_GROUP_IDS_OPTION: sorted(missing_group_ids),
    }


def options_codenames(options: Mapping[str, Any]) -> dict[int, str]:
    return {int(field_id): codename for field_id, codename in options.get(FIELD_CODENAMES_OPTION, {}).items()}
