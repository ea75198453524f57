"""PUSHTech bulk contacts → canonical records. Pure: no database, no network (the optional mail-domain check
is handed in as a function).

Vendor doc: developers.pushtech.com, "contact/create_bulk" (the seed page); decisions: `specs/pushtech.md`.
Each contact becomes a `ContactRecord`, or an `ItemRejected` (skipped and reported) when the hub cannot store
it: no usable email nor phone, a `born_date`/`gdpr_date` that is not an ISO 8601 date, a gender other than
MALE/FEMALE, a `user_id` longer than the hub's external ids. The request's shape was checked before
(`bulk_shape`), so every value here has its documented JSON type.

A value the hub drops from a stored contact is reported as a warning. The ingest reports the ones it drops
itself (an email or phone that does not normalise: the raw value is handed on for that; unknown custom
fields); the others are this module's *notes* (`contact_notes`), which the dialect adds to the job's report
when the job completes (`bulk.on_complete`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.attributes.coercion import CoercionError
from apps.imports.registry import ItemRejected
from apps.ingest.normalise import normalise_email, normalise_phone, phone_from_parts
from apps.ingest.records import ChannelChange, ConsentEvent, ContactRecord, Issue, ListRef, MatchPolicy
from apps.vendors.pushtech.bulk_shape import ATTRIBUTE_KEYS, DOCUMENTED_KEYS, BulkOptions

# `match_contact_user_id: true`: "update the contact who have this user_id ..., else create a new one".
UPSERT_POLICY = MatchPolicy(keys=("external_id", "email"), mode="upsert")
# Without it the vendor always creates. The hub never makes a second contact with an external id or email
# that exists, so an existing contact (by user_id, then email), or a repeat within the bulk, is skipped.
CREATE_POLICY = MatchPolicy(keys=("external_id", "email"), mode="create_only")

# Vendor field → Contact column, for plain text fields.
TEXT_FIELDS = {
    "name_first": "first_name",
    "name_last": "last_name",
    "city": "city",
    "country": "country",
    "region": "region",
    "zip": "postcode",
    "full_address": "address_line1",
    "language": "language",  # ISO 639-1 in any case ("ES"): the ingest lower-cases it
}
GENDERS = {"MALE": "male", "FEMALE": "female"}
CHANNELS = frozenset({"email", "sms", "push"})
CONSENTS = (("gdpr_accept_terms", "terms"), ("gdpr_marketing_consent", "marketing"))
MAX_USER_ID = 255

DomainCheck = Callable[[str], bool]


def bulk_policy(options: BulkOptions) -> MatchPolicy:
    return UPSERT_POLICY if options.match_contact_user_id else CREATE_POLICY


@dataclass(frozen=True, slots=True)
class Translated:
    item: ContactRecord | ItemRejected
    notes: list[Issue] = field(default_factory=list)  # warnings about values dropped from a stored record


def bulk_translate(
    contacts: list[dict[str, Any]],
    options: BulkOptions,
    *,
    default_region: str | None = None,
    domain_check: DomainCheck | None = None,
) -> list[Translated]:
    """One translated item per contact, in order. `domain_check` is used only with `validate_emails`."""
    check = domain_check if options.validate_emails else None
    return [
        contact_translate(n, c, default_region=default_region, domain_check=check)
        for n, c in enumerate(contacts)
    ]


def bulk_items(
    contacts: list[dict[str, Any]], options: BulkOptions, **kwargs: Any
) -> list[ContactRecord | ItemRejected]:
    return [t.item for t in bulk_translate(contacts, options, **kwargs)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def iso_date(value: str) -> dt.date:
    """`1990-01-01`, or an ISO 8601 date-time (`1990-01-01T00:00:00Z`): the calendar date as written."""
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise CoercionError(f"{value[:40]!r} is not an ISO 8601 date (e.g. 1990-01-01T00:00:00Z)") from None


def iso_datetime(value: str) -> dt.datetime:
    """An aware date-time; a date alone is its midnight, a value without an offset is UTC."""
    text = value.strip()
    try:
        parsed = (
            dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
            if len(text) == 10
            else dt.datetime.fromisoformat(text)
        )
    except ValueError:
        raise CoercionError(f"{value[:40]!r} is not an ISO 8601 date (e.g. 1990-01-01T00:00:00Z)") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


class _Item:
    """One contact being translated: what it stores, what it drops, why it is refused."""

    def __init__(self, index: int, contact: Mapping[str, Any]) -> None:
        self.path = f"contacts[{index}]"
        self.contact = contact
        self.record = ContactRecord()
        self.notes: list[Issue] = []
        self.errors: list[Issue] = []

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if key else self.path

    def note(self, key: str, code: str, message: str) -> None:
        self.notes.append(Issue(self.at(key), code, message, "warning"))

    def reject(self, key: str, code: str, message: str) -> None:
        self.errors.append(Issue(self.at(key), code, message, "error"))

    def set_field(self, name: str, value: Any, key: str) -> None:
        self.record.fields[name] = value
        self.record.paths[name] = self.at(key)

    def identity(self) -> str:
        for key in ("user_id", "email", "phone", "phone_number"):
            value = self.contact.get(key)
            if not _blank(value):
                return _text(value)[:255]
        return ""


def contact_translate(
    index: int,
    contact: Mapping[str, Any],
    *,
    default_region: str | None = None,
    domain_check: DomainCheck | None = None,
) -> Translated:
    item = _Item(index, contact)
    has_email = _email(item, domain_check)
    has_phone = _phone(item, default_region)
    if not has_email and not has_phone:
        item.reject(
            "",
            "missing_identity",
            "A contact needs a valid email, or a phone (phone, or phone_countrycode and phone_number).",
        )
    _user_id(item)
    _fields(item)
    _gdpr(item)
    _subscriptions(item)
    _attributes(item)
    if item.errors:
        # The reasons first, then what else was wrong with the values.
        return Translated(ItemRejected(issues=[*item.errors, *item.notes], identity=item.identity()))
    item.record.paths["lists"] = item.at("list_subscriptions")
    item.record.paths["tags_add"] = item.at("tags")
    return Translated(item.record, item.notes)


def _email(item: _Item, domain_check: DomainCheck | None) -> bool:
    """Whether the contact has a usable email. One that does not normalise is handed to the ingest as sent:
    it drops it and reports `invalid_email` (so the report says it once, where it says the others)."""
    if "email" not in item.contact:
        return False
    value = item.contact["email"]
    if _blank(value):
        item.set_field("email", None, "email")  # null clears the stored email (`specs/common.md`)
        return False
    try:
        email = normalise_email(value)
    except CoercionError:
        item.set_field("email", value, "email")
        return False
    if domain_check is not None and not domain_check(email.rpartition("@")[2]):
        item.note(
            "email",
            "invalid_email",
            f"The domain of {email!r} does not accept mail; the contact is stored without it.",
        )
        return False
    item.set_field("email", email, "email")
    return True


def _phone(item: _Item, default_region: str | None) -> bool:
    """`phone` (the full number), else `phone_countrycode` + `phone_number`; stored in E.164."""
    contact = item.contact
    whole, code, number = contact.get("phone"), contact.get("phone_countrycode"), contact.get("phone_number")
    if not _blank(whole):
        try:
            item.set_field("phone", normalise_phone(_text(whole), default_region), "phone")
        except CoercionError as exc:
            if _blank(number):
                item.set_field("phone", _text(whole), "phone")  # the ingest drops and reports it
                return False
            item.note("phone", "invalid_phone", f"{exc}; phone_countrycode and phone_number are used.")
        else:
            return True
    if _blank(number):
        if not _blank(code):
            item.note(
                "phone_number", "incomplete_phone", "A phone_countrycode without phone_number; ignored."
            )
        elif "phone" in contact and whole is None:
            item.set_field("phone", None, "phone")  # an explicit null clears the stored phone
        return False
    try:
        if _blank(code):
            # Without a country code the number must carry one (or the deployment's default region applies).
            phone = normalise_phone(_text(number), default_region)
        else:
            phone = phone_from_parts(_text(code), _text(number))
    except CoercionError:
        raw = _text(number) if _blank(code) else f"+{_text(code).lstrip('+')} {_text(number)}"
        item.set_field("phone", raw, "phone_number")  # the ingest drops and reports it
        return False
    item.set_field("phone", phone, "phone_number")
    return True


def _user_id(item: _Item) -> None:
    value = item.contact.get("user_id")
    if _blank(value):
        return  # no id: nothing to match on, and nothing to clear (an id is identity, not data)
    user_id = _text(value)
    if len(user_id) > MAX_USER_ID:
        item.reject("user_id", "invalid_user_id", f"A user_id has at most {MAX_USER_ID} characters.")
        return
    item.set_field("external_id", user_id, "user_id")


def _fields(item: _Item) -> None:
    contact = item.contact
    for key, name in TEXT_FIELDS.items():
        if key in contact:
            value = contact[key]
            item.set_field(name, None if value is None else _text(value), key)
    if "gender" in contact:
        gender = contact["gender"]
        if _blank(gender):
            item.set_field("gender", None, "gender")
        elif gender.strip().upper() in GENDERS:
            item.set_field("gender", GENDERS[gender.strip().upper()], "gender")
        else:
            item.reject("gender", "invalid_gender", f"{gender[:40]!r} is not MALE or FEMALE.")
    if "born_date" in contact:
        born = contact["born_date"]
        if _blank(born):
            item.set_field("birth_date", None, "born_date")
        else:
            try:
                item.set_field("birth_date", iso_date(born), "born_date")
            except CoercionError as exc:
                item.reject("born_date", "invalid_date", str(exc))


def _gdpr(item: _Item) -> None:
    """`gdpr_accept_terms` / `gdpr_marketing_consent` → consent records (evidence, appended), dated
    `gdpr_date` (now when absent), with `gdpr_remote_ip`."""
    contact = item.contact
    at: dt.datetime | None = None
    if not _blank(contact.get("gdpr_date")):
        try:
            at = iso_datetime(contact["gdpr_date"])
        except CoercionError as exc:
            item.reject("gdpr_date", "invalid_date", str(exc))
    ip: str | None = None
    if not _blank(contact.get("gdpr_remote_ip")):
        try:
            ip = str(ipaddress.ip_address(contact["gdpr_remote_ip"].strip()))
        except ValueError:
            item.note("gdpr_remote_ip", "invalid_ip", "Not an IP address; the consent is stored without it.")
    for key, kind in CONSENTS:
        granted = contact.get(key)
        if isinstance(granted, bool):
            item.record.consents.append(ConsentEvent(kind=kind, granted=granted, at=at, ip=ip))


def _subscriptions(item: _Item) -> None:
    contact = item.contact
    item.record.tags_add = list(contact.get("tags") or [])
    for entry in contact.get("list_subscriptions") or []:
        ref = ListRef(public_id=_text(entry["list_id"]))
        # "subscribed: If true, subscribe from this list"; an entry without it subscribes.
        if entry.get("subscribed") is False:
            item.record.lists_remove.append(ref)
        else:
            item.record.lists_add.append(ref)
    for n, entry in enumerate(contact.get("channel_subscriptions") or []):
        channel = entry["channel"].strip().lower()
        if channel not in CHANNELS:
            item.note(
                f"channel_subscriptions[{n}].channel",
                "invalid_channel",
                f"{entry['channel'][:40]!r} is not one of: email, sms, push; ignored.",
            )
            continue
        status = "blacklisted" if entry.get("blacklisted") else "subscribed"
        item.record.channels.append(ChannelChange(channel=channel, status=status))
        item.record.paths[f"channels.{channel}"] = item.at(f"channel_subscriptions[{n}]")


def _attributes(item: _Item) -> None:
    """Device, social and geo fields, and every undocumented key ("[custom field]"): custom attributes of
    that codename. The ingest stores those the workspace defines (typed by the definition) and drops the
    others with a warning; built-in codenames (`company`, `job_title`...) land in the contact's columns."""
    for key, value in item.contact.items():
        if key in DOCUMENTED_KEYS and key not in ATTRIBUTE_KEYS:
            continue
        item.record.attributes[key] = value
        item.record.paths[f"attributes.{key}"] = item.at(key)
