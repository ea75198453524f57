"""Normalisation and checks of the canonical contact fields. Pure functions; each raises CoercionError."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from apps.attributes.coercion import CoercionError, parse_date

_email_validator = EmailValidator()
# The everyday shape of an address, a strict subset of what EmailValidator accepts: it answers most
# addresses without the validator's slower checks (IDN, IP literals, quoted local parts).
_COMMON_LOCAL_RE = re.compile(r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*\Z")
_COMMON_DOMAIN_RE = re.compile(r"(?:[a-z0-9-]{1,63}\.)+[a-z]{2,63}\Z")


def _common_email(email: str) -> bool:
    local, _, domain = email.rpartition("@")
    return bool(
        local
        and _COMMON_LOCAL_RE.match(local)
        and _COMMON_DOMAIN_RE.match(domain)
        and "-." not in domain
        and ".-" not in domain
        and not domain.startswith("-")
    )


_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
MAX_LENGTHS = {
    "external_id": 255,
    "first_name": 255,
    "last_name": 255,
    "full_name": 255,
    "company": 255,
    "job_title": 255,
    "address_line1": 255,
    "address_line2": 255,
    "city": 255,
    "region": 255,
    "postcode": 32,
    "country": 100,
}
CONTACT_TYPES = frozenset({"customer", "employee"})
CONTACT_STATUSES = frozenset({"active", "unsubscribed", "error"})
GENDERS = frozenset({"male", "female", "other"})


def normalise_email(value: Any) -> str:
    if not isinstance(value, str):
        raise CoercionError("expected a string")
    email = value.strip().lower()
    if not email:
        raise CoercionError("email is empty")
    if len(email) > 254:
        raise CoercionError("email is longer than 254 characters")
    if _common_email(email):
        return email
    try:
        _email_validator(email)
    except ValidationError:
        raise CoercionError(f"{value!r} is not a valid email address") from None
    return email


def normalise_phone(value: Any, default_region: str | None = None) -> str:
    """E.164 (`+447712345678`). Without a default region, a number must carry its country code."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise CoercionError("expected a string")
    text = value.strip()
    if not text:
        raise CoercionError("phone is empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise CoercionError(
            f"{value!r} is not a phone number (include the country code, e.g. +44…)"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise CoercionError(f"{value!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_from_parts(country_code: Any, number: Any) -> str:
    """PUSHTech sends `phone_countrycode` ("44" or "+44") and `phone_number` apart. The national number is
    read by its country's own rules, so a trunk 0 is dropped where it is a prefix (UK 07712… → +447712…) and
    kept where it belongs to the number (Italy 06… → +3906…)."""
    code = str(country_code or "").strip().lstrip("+")
    local = str(number or "").strip()
    if not code.isdigit():
        raise CoercionError(f"{country_code!r} is not a country calling code")
    region = phonenumbers.region_code_for_country_code(int(code))
    if region == "ZZ":
        raise CoercionError(f"+{code} is not a country calling code")
    if local.startswith("+"):
        return normalise_phone(local)
    return normalise_phone(local, region)


def normalise_language(value: Any) -> str:
    if not isinstance(value, str):
        raise CoercionError(f"{value!r} is not a language code (ISO 639-1, e.g. 'en' or 'en-GB')")
    return _normalise_language_text(value)


@lru_cache(maxsize=1024)
def _normalise_language_text(value: str) -> str:
    text = value.strip()
    if len(text) > 35 or not _LANGUAGE_RE.match(text):
        raise CoercionError(f"{value!r} is not a language code (ISO 639-1, e.g. 'en' or 'en-GB')")
    primary, *rest = text.replace("_", "-").split("-")
    return "-".join([primary.lower(), *(part.upper() if len(part) == 2 else part for part in rest)])


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def normalise_timezone(value: Any) -> str:
    if not isinstance(value, str) or value.strip() not in _time_zones():
        raise CoercionError(f"{value!r} is not an IANA time zone name (e.g. 'Europe/Prague')")
    return value.strip()


def normalise_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        else:
            raise CoercionError("expected a string")
    text = value.strip()
    if "\x00" in text:
        raise CoercionError("text contains a NUL character")
    limit = MAX_LENGTHS.get(name)
    if limit is not None and len(text) > limit:
        raise CoercionError(f"longer than {limit} characters")
    return text


def normalise_choice(value: Any, allowed: frozenset[str]) -> str:
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise CoercionError(f"{value!r} is not one of: {', '.join(sorted(allowed))}")
    return value.strip().lower()


def normalise_field(name: str, value: Any, *, default_region: str | None = None) -> Any:
    """The stored form of a canonical contact field's non-null value."""
    if name == "email":
        return normalise_email(value)
    if name == "phone":
        return normalise_phone(value, default_region)
    if name == "language":
        return normalise_language(value)
    if name == "timezone":
        return normalise_timezone(value)
    if name == "type":
        return normalise_choice(value, CONTACT_TYPES)
    if name == "status":
        return normalise_choice(value, CONTACT_STATUSES)
    if name == "gender":
        return normalise_choice(value, GENDERS)
    if name == "birth_date":
        if isinstance(value, str) and len(value.strip()) > 10:
            value = value.strip()[:10]  # ISO 8601 date-time: keep its date
        date: dt.date = parse_date(value)
        return date
    if name == "external_id":
        text = normalise_text(name, value)
        if not text:
            raise CoercionError("external id is empty")
        return text
    return normalise_text(name, value)
