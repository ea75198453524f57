"""PUSHTech query strings → canonical filters. Pure: no database.

`GET /v2/account/:account_id/contact/` (developers.pushtech.com, "contact/list"): filters `user_id`,
`device_id`, `name_first`, `name_last`, `email`, `phone_countrycode`, `phone_number`; `limit` (default 200),
`contact_id_from` ("Contact id to start the list"), `order` ("creation_date order asc or desc, default: asc").
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers

from apps.attributes.coercion import CoercionError
from apps.contacts.page_selectors import ContactFilters
from apps.core.errors import ErrorDetail, validation_error
from apps.ingest.normalise import normalise_email, phone_from_parts

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
# Ids are bigints; a larger `contact_id_from` means the same as the largest one (and SQLite refuses it).
MAX_ID = 2**63 - 1
DEVICE_ID_ATTRIBUTE = "device_id"
# Separators people type inside a phone number.
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_COUNTRY_CODES = tuple(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))


@dataclass(frozen=True, slots=True)
class ContactListQuery:
    filters: ContactFilters
    after_id: int | None = None
    descending: bool = False
    limit: int = DEFAULT_LIMIT


def _text(params: Mapping[str, str], name: str) -> str | None:
    # An empty parameter (`?email=`) is no filter, as a form left blank.
    value = (params.get(name) or "").strip()
    return value or None


def _digits(value: str | None, name: str, errors: list[ErrorDetail]) -> str | None:
    if value is None:
        return None
    digits = _PHONE_PUNCTUATION.sub("", value)
    if name == "phone_countrycode":
        digits = digits.removeprefix("+")
    if not digits.isdigit() or (name == "phone_countrycode" and len(digits) > 3):
        kind = "a country calling code (e.g. 44)" if name == "phone_countrycode" else "a phone number"
        errors.append(ErrorDetail(name, "invalid", f"{value!r} is not {kind}."))
        return None
    return digits


def _phone_filters(
    params: Mapping[str, str], errors: list[ErrorDetail]
) -> tuple[tuple[str, ...] | None, str | None]:
    """(E.164 numbers, country prefix) matching `phone_countrycode` and/or `phone_number`.

    Phones are stored in E.164 only. The bulk upload joins the two parts with `phone_from_parts` (which drops
    a national leading 0); a phone sent whole keeps it (Italy: +39 06…). Both spellings are looked for."""
    code = _digits(_text(params, "phone_countrycode"), "phone_countrycode", errors)
    number = _digits(_text(params, "phone_number"), "phone_number", errors)
    if number is None:
        return None, (f"+{code}" if code else None)
    variants = dict.fromkeys([number.lstrip("0") or number, number])
    if code is not None:
        phones = [f"+{code}{n}" for n in variants]
        # What the bulk upload stores for these parts; an impossible number has no stored form.
        with contextlib.suppress(CoercionError):
            phones.insert(0, phone_from_parts(code, number))
        return tuple(dict.fromkeys(phones)), None
    # Country codes are prefix-free, so each stored number has one split: try every country code.
    return tuple(f"+{c}{n}" for c in _COUNTRY_CODES for n in variants), None


def _limit(params: Mapping[str, str], errors: list[ErrorDetail]) -> int:
    raw = _text(params, "limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) < 1:
        errors.append(ErrorDetail("limit", "invalid", f"{raw!r} is not a whole number of at least 1."))
        return DEFAULT_LIMIT
    return min(int(raw), MAX_LIMIT)


def _contact_id_from(params: Mapping[str, str], errors: list[ErrorDetail]) -> int | None:
    raw = _text(params, "contact_id_from")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 40:
        errors.append(ErrorDetail("contact_id_from", "invalid", f"{raw[:40]!r} is not a contact id."))
        return None
    return min(int(raw), MAX_ID)


def _descending(params: Mapping[str, str], errors: list[ErrorDetail]) -> bool:
    raw = _text(params, "order")
    if raw is None or raw.lower() == "asc":
        return False
    if raw.lower() == "desc":
        return True
    errors.append(ErrorDetail("order", "invalid", f"{raw[:40]!r} is not 'asc' or 'desc'."))
    return False


def contact_list_query(params: Mapping[str, str]) -> ContactListQuery:
    """The list's query string as a canonical query; 400 naming the parameter when one is malformed."""
    errors: list[ErrorDetail] = []
    email = _text(params, "email")
    if email is not None:
        try:
            email = normalise_email(email)
        except CoercionError as exc:
            errors.append(ErrorDetail("email", "invalid", str(exc)))
    phones, phone_prefix = _phone_filters(params, errors)
    device_id = _text(params, "device_id")
    query = ContactListQuery(
        filters=ContactFilters(
            external_id=_text(params, "user_id"),
            email=email,
            first_name=_text(params, "name_first"),
            last_name=_text(params, "name_last"),
            phones=phones,
            phone_prefix=phone_prefix,
            # PUSHTech's device_id has no column here: it is the custom attribute of that codename. Where the
            # workspace defines none, no contact carries it and the filter matches nothing.
            attributes=((DEVICE_ID_ATTRIBUTE, device_id),) if device_id is not None else (),
        ),
        after_id=_contact_id_from(params, errors),
        descending=_descending(params, errors),
        limit=_limit(params, errors),
    )
    if errors:
        raise validation_error(errors)
    return query
