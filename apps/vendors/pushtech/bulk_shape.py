"""The shape of a PUSHTech bulk request (developers.pushtech.com, "contact/create_bulk"). Pure: no database.

`POST /v2/account/:account_id/contact/bulk` takes `contacts` (required, 1 to 5000), `match_contact_user_id`
and `validate_emails` (booleans, default false), `webhook_url` and `contacts_webhook_extra_fields` (an array
of field names). A request whose envelope or whose contacts have the wrong JSON types is refused whole (400
naming `contacts[3].tags[0]`), before anything is stored (`specs/pushtech.md`, "Shape errors"). Problems with
a value of the right type (a date that does not exist, an unknown gender, no email nor phone) are not shape
errors: that contact is skipped and reported (see `bulk_translate`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.core.errors import ErrorDetail, validation_error

MAX_CONTACTS = 5000
MAX_EXTRA_FIELDS = 100
MAX_FIELD_NAME = 100
MAX_URL = 2000
# A 400 names at most this many problems; the message says how many more there were.
MAX_DETAILS = 50

# Contact keys by the JSON types they accept (null is accepted everywhere: it clears the stored value).
# "text": a string or a number (ids, zip codes and phone numbers often travel as numbers).
TEXT_KEYS = frozenset(
    {
        "name_first",
        "name_last",
        "phone_countrycode",
        "phone_number",
        "phone",
        "city",
        "country",
        "region",
        "zip",
        "full_address",
        "user_id",
    }
)
STRING_KEYS = frozenset({"email", "born_date", "gdpr_date", "gender", "language", "gdpr_remote_ip"})
BOOLEAN_KEYS = frozenset({"gdpr_accept_terms", "gdpr_marketing_consent"})
# Device, social and geo fields have no column in the hub: they are custom attributes of those codenames,
# typed by the workspace's definition (any JSON value here).
ATTRIBUTE_KEYS = frozenset(
    {
        "device_id",
        "facebook_id",
        "facebook_friends",
        "google_id",
        "twitter_id",
        "twitter_followers",
        "last_latitude",
        "last_longitude",
    }
)
ARRAY_KEYS = frozenset({"tags", "list_subscriptions", "channel_subscriptions"})
DOCUMENTED_KEYS = TEXT_KEYS | STRING_KEYS | BOOLEAN_KEYS | ATTRIBUTE_KEYS | ARRAY_KEYS


@dataclass(frozen=True, slots=True)
class BulkOptions:
    match_contact_user_id: bool = False
    validate_emails: bool = False
    contacts_webhook_extra_fields: tuple[str, ...] = ()
    webhook_url: str = ""

    def job_options(self) -> dict[str, Any]:
        """What the job keeps in `ImportJob.options` (the status endpoint renders the bulk object from it)."""
        return {
            "match_contact_user_id": self.match_contact_user_id,
            "validate_emails": self.validate_emails,
            "contacts_webhook_extra_fields": list(self.contacts_webhook_extra_fields),
        }

    @classmethod
    def from_job(cls, options: Mapping[str, Any], webhook_url: str) -> BulkOptions:
        return cls(
            match_contact_user_id=bool(options.get("match_contact_user_id")),
            validate_emails=bool(options.get("validate_emails")),
            contacts_webhook_extra_fields=tuple(options.get("contacts_webhook_extra_fields") or ()),
            webhook_url=webhook_url,
        )


@dataclass(frozen=True, slots=True)
class BulkRequest:
    contacts: list[dict[str, Any]]
    options: BulkOptions


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool))


class _Errors:
    def __init__(self) -> None:
        self.details: list[ErrorDetail] = []

    def wrong_type(self, path: str, expected: str, value: Any) -> None:
        self.add(path, "invalid_type", f"Expected {expected}, got {_type_name(value)}.")

    def add(self, path: str, code: str, message: str) -> None:
        self.details.append(ErrorDetail(path, code, message))

    def raise_any(self) -> None:
        if not self.details:
            return
        shown = self.details[:MAX_DETAILS]
        error = validation_error(self.details)  # the message counts them all
        error.details = shown
        raise error


def _boolean(body: Mapping[str, Any], name: str, errors: _Errors) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.wrong_type(name, "true or false", value)
        return False
    return value


def _webhook_url(body: Mapping[str, Any], errors: _Errors) -> str:
    value = body.get("webhook_url")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.wrong_type("webhook_url", "a URL string", value)
        return ""
    if len(value) > MAX_URL:
        errors.add("webhook_url", "too_long", f"The URL is longer than {MAX_URL} characters.")
        return ""
    return value.strip()


def _extra_fields(body: Mapping[str, Any], errors: _Errors) -> tuple[str, ...]:
    value = body.get("contacts_webhook_extra_fields")
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.wrong_type("contacts_webhook_extra_fields", "an array of field names", value)
        return ()
    if len(value) > MAX_EXTRA_FIELDS:
        errors.add(
            "contacts_webhook_extra_fields",
            "too_many",
            f"At most {MAX_EXTRA_FIELDS} field names are allowed.",
        )
        return ()
    names: list[str] = []
    for n, name in enumerate(value):
        path = f"contacts_webhook_extra_fields[{n}]"
        if not isinstance(name, str):
            errors.wrong_type(path, "a field name", name)
        elif not name.strip() or len(name) > MAX_FIELD_NAME:
            errors.add(path, "invalid", f"A field name has 1 to {MAX_FIELD_NAME} characters.")
        else:
            names.append(name.strip())
    return tuple(dict.fromkeys(names))


def _subscriptions(
    path: str, value: list[Any], id_key: str, id_ok: Callable[[Any], bool], flag: str, errors: _Errors
) -> None:
    for n, entry in enumerate(value):
        entry_path = f"{path}[{n}]"
        if not isinstance(entry, dict):
            errors.wrong_type(entry_path, "an object", entry)
            continue
        if entry.get(id_key) is None:
            errors.add(f"{entry_path}.{id_key}", "required", "This field is required.")
        elif not id_ok(entry[id_key]):
            errors.wrong_type(f"{entry_path}.{id_key}", "a string", entry[id_key])
        if entry.get(flag) is not None and not isinstance(entry[flag], bool):
            errors.wrong_type(f"{entry_path}.{flag}", "true or false", entry[flag])


def _contact_shape(path: str, contact: Mapping[str, Any], errors: _Errors) -> None:
    for key, value in contact.items():
        if value is None or key not in DOCUMENTED_KEYS or key in ATTRIBUTE_KEYS:
            continue  # custom and attribute fields take any JSON value: their definition types them
        key_path = f"{path}.{key}"
        if key in TEXT_KEYS:
            if not _is_text(value):
                errors.wrong_type(key_path, "a string", value)
        elif key in STRING_KEYS:
            if not isinstance(value, str):
                errors.wrong_type(key_path, "a string", value)
        elif key in BOOLEAN_KEYS:
            if not isinstance(value, bool):
                errors.wrong_type(key_path, "true or false", value)
        elif not isinstance(value, list):
            errors.wrong_type(key_path, "an array", value)
        elif key == "tags":
            for n, tag in enumerate(value):
                if not isinstance(tag, str):
                    errors.wrong_type(f"{key_path}[{n}]", "a string", tag)
        elif key == "list_subscriptions":
            _subscriptions(key_path, value, "list_id", _is_text, "subscribed", errors)
        else:
            _subscriptions(key_path, value, "channel", lambda v: isinstance(v, str), "blacklisted", errors)


def bulk_request(body: Any) -> BulkRequest:
    """The checked request; a 400 naming every misshapen field (the first ones) otherwise."""
    errors = _Errors()
    if not isinstance(body, dict):
        errors.wrong_type("", "a JSON object", body)
        errors.raise_any()
    contacts = body.get("contacts")
    if contacts is None:
        errors.add("contacts", "required", "This field is required.")
    elif not isinstance(contacts, list):
        errors.wrong_type("contacts", "an array of contacts", contacts)
    elif not contacts:
        errors.add("contacts", "too_few", "Send at least one contact.")
    elif len(contacts) > MAX_CONTACTS:
        errors.add(
            "contacts", "too_many", f"At most {MAX_CONTACTS} contacts per request; got {len(contacts)}."
        )
    else:
        for n, contact in enumerate(contacts):
            if isinstance(contact, dict):
                _contact_shape(f"contacts[{n}]", contact, errors)
            else:
                errors.wrong_type(f"contacts[{n}]", "an object", contact)
    options = BulkOptions(
        match_contact_user_id=_boolean(body, "match_contact_user_id", errors),
        validate_emails=_boolean(body, "validate_emails", errors),
        contacts_webhook_extra_fields=_extra_fields(body, errors),
        webhook_url=_webhook_url(body, errors),
    )
    errors.raise_any()
    return BulkRequest(contacts=contacts, options=options)
