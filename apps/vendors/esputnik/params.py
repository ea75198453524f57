"""eSputnik's query parameters and path ids → typed values. Pure: no database.

A bad parameter is a 400 naming it (`maxrows`), raised as the hub's ApplicationError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from apps.attributes.coercion import CoercionError
from apps.core.errors import ErrorDetail, validation_error
from apps.ingest.normalise import normalise_phone
from apps.vendors.esputnik.translate import positive_id

MAX_ROWS = 500  # GET /v1/contacts: `maxrows` is at most 500
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no", ""})


@dataclass(frozen=True, slots=True)
class ContactSearch:
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    offset: int = 0
    limit: int = MAX_ROWS


def _int_param(params: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    number = int(text) if text.lstrip("-").isdigit() and len(text) < 19 else None
    if number is None or number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise validation_error([ErrorDetail(name, "invalid", f"Expected an integer {bound}, got {raw!r}.")])
    return number


def contact_search_params(params: Mapping[str, str]) -> ContactSearch:
    """`GET /v1/contacts?email=&sms=&externalCustomerId=&startindex=1&maxrows=500` (startindex is 1-based)."""
    start = _int_param(params, "startindex", 1, 1, None)
    limit = _int_param(params, "maxrows", MAX_ROWS, 1, MAX_ROWS)
    email = (params.get("email") or "").strip().lower() or None
    external_id = (params.get("externalCustomerId") or "").strip() or None
    phone = None
    sms = (params.get("sms") or "").strip()
    if sms:
        try:
            phone = normalise_phone(sms, settings.PHONE_DEFAULT_REGION)
        except CoercionError as exc:
            raise validation_error([ErrorDetail("sms", "invalid_phone", f"{exc}.")]) from None
    return ContactSearch(email=email, phone=phone, external_id=external_id, offset=start - 1, limit=limit)


def contact_id_from_path(text: str) -> int | None:
    """The numeric contact id of `/v1/contact/{id}`, or None when it cannot name a contact (→ 404)."""
    return positive_id(text)


@dataclass(frozen=True, slots=True)
class DeleteByExternalId:
    external_id: str
    erase: bool


def delete_params(params: Mapping[str, str]) -> DeleteByExternalId:
    """`DELETE /v1/contact?externalCustomerId=<id>&erase=true`: erase removes everything (GDPR)."""
    external_id = (params.get("externalCustomerId") or "").strip()
    problems = []
    if not external_id:
        problems.append(ErrorDetail("externalCustomerId", "required", "This parameter is required."))
    erase_text = (params.get("erase") or "").strip().lower()
    if erase_text not in TRUE_WORDS | FALSE_WORDS:
        problems.append(ErrorDetail("erase", "invalid", f"Expected true or false, got {params['erase']!r}."))
    if problems:
        raise validation_error(problems)
    return DeleteByExternalId(external_id=external_id, erase=erase_text in TRUE_WORDS)
