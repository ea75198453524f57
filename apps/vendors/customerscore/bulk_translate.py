"""Customerscore bulk uploads (`POST /contacts`, `POST /customers`) → canonical records. Pure: no database.

Rules from the vendor's docs (seed `000_9f9347dce480c16b.txt`, "Contact upload") and `specs/customerscore.md`:
- `contacts` is mandatory: an array of 1 to 100 objects ("You can include up to 100 contacts in a single API
  request"); each needs `customer_external_id`, `contact_external_id` and `contact_name`, strings of at most
  255 characters; `attributes` is an object, `metrics` an array of up to 200 objects.
- every metric object has a `date` "unique in the array"; the hub also requires a real calendar date.
- any shape problem rejects the whole request (400, nothing stored), naming the item and field.
- what only the workspace's definitions can tell (unknown attribute / metric keys, values of the wrong
  type, an unknown customer) is not a shape problem: the ingest drops or skips it and the report says so.

`customers` follows the same rules with `external_id`, `name`, `owner_email`, `attributes` and `metrics`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.core.errors import ApplicationError, ErrorDetail, validation_error
from apps.ingest.customers import CustomerRecord
from apps.ingest.records import ContactRecord, MatchPolicy
from apps.vendors.customerscore.translate import attributes_value, text_value

MAX_ITEMS = 100
MAX_METRICS = 200
MAX_EMAIL_LENGTH = 254
# A 400 names at most this many problems (a 5 MB body could hold tens of thousands); the message counts all.
MAX_ERROR_DETAILS = 100
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# Matched on the contact's external id; a soft-deleted contact named again is restored (specs/common.md);
# a contact of an unknown customer "will be ignored" (seed, "Requirements"); keys and values that do not
# match a definition are dropped with a warning ("Only matching keys will be stored").
CONTACTS_POLICY = MatchPolicy(
    keys=("external_id",),
    mode="upsert",
    restore_deleted=True,
    invalid_values="drop",
    unknown_keys="drop",
    unknown_customer="skip",
)


def request_error(errors: list[ErrorDetail]) -> ApplicationError:
    exc = validation_error(errors)
    exc.details = errors[:MAX_ERROR_DETAILS]
    return exc


def request_items(body: Any, key: str) -> list[Any]:
    """The request's `key` array (1 to 100 items); anything else is a 400 naming `key`."""
    if not isinstance(body, dict):
        raise request_error([ErrorDetail("", "invalid_type", "The body must be a JSON object.")])
    items = body.get(key)
    if items is None:
        raise request_error([ErrorDetail(key, "required", "This field is required.")])
    if not isinstance(items, list):
        raise request_error([ErrorDetail(key, "invalid_type", "Expected an array.")])
    if not items:
        raise request_error([ErrorDetail(key, "min_items", "At least 1 item is required; got none.")])
    if len(items) > MAX_ITEMS:
        raise request_error(
            [ErrorDetail(key, "max_items", f"At most {MAX_ITEMS} items per request; got {len(items)}.")]
        )
    return items


@dataclass(slots=True)
class BulkContactRecord(ContactRecord):
    """A contact of an upload. When the ingest reports an issue, it is named by the path the client sent
    (`contacts[3].metrics[1].resolved_tickets`); resolved on demand, as most values never have one."""

    item_prefix: str = ""
    metric_positions: dict[str, int] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name) or _item_path(name, self.item_prefix, self.metric_positions)


@dataclass(slots=True)
class BulkCustomerRecord(CustomerRecord):
    """A customer of an upload; its issues are named by the client's paths, like `BulkContactRecord`'s."""

    item_prefix: str = ""
    metric_positions: dict[str, int] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name) or _item_path(name, self.item_prefix, self.metric_positions)


def _item_path(name: str, prefix: str, metric_positions: Mapping[str, int]) -> str:
    """The ingest's name of a value (`attributes.age`, `metrics[2025-04-29].x`) as the client's path."""
    if name.startswith("metrics["):
        date, bracket, rest = name[len("metrics[") :].partition("]")
        position = metric_positions.get(date)
        if bracket and position is not None:
            return f"{prefix}metrics[{position}]{rest}"
    return f"{prefix}{name}"


def _metrics_value(
    item: Mapping[str, Any], errors: list[ErrorDetail], *, prefix: str, positions: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """`metrics` as date → {codename: value}; `positions` gets each date's place in the array.

    This loop sees up to 20,000 metric objects per request: it keeps to cheap checks."""
    value = item.get("metrics")
    if value is None:
        return {}
    path = f"{prefix}metrics"
    if not isinstance(value, list):
        errors.append(ErrorDetail(path, "invalid_type", "Expected an array."))
        return {}
    if len(value) > MAX_METRICS:
        errors.append(
            ErrorDetail(path, "max_items", f"At most {MAX_METRICS} metrics per item; got {len(value)}.")
        )
        return {}
    metrics: dict[str, dict[str, Any]] = {}
    for position, metric in enumerate(value):
        if not isinstance(metric, dict):
            errors.append(ErrorDetail(f"{path}[{position}]", "invalid_type", "Expected an object."))
            continue
        raw = metric.get("date")
        problem = _date_problem(raw)
        if problem is not None:
            errors.append(ErrorDetail(f"{path}[{position}].date", *problem))
            continue
        date = str(raw)  # a string: checked above
        if date in positions:
            errors.append(
                ErrorDetail(
                    f"{path}[{position}].date",
                    "duplicate_date",
                    f"{date} is already the date of {path}[{positions[date]}]; "
                    "dates must be unique within the array.",
                )
            )
            continue
        positions[date] = position
        values = dict(metric)
        del values["date"]
        metrics[date] = values
    return metrics


def _date_problem(date: Any) -> tuple[str, str] | None:
    """(code, message) when `date` is not a real calendar date written as YYYY-MM-DD."""
    if date is None:
        return "required", "This field is required."
    if not isinstance(date, str):
        return "invalid_type", "Expected a date as YYYY-MM-DD."
    try:
        if _DATE_RE.fullmatch(date):
            dt.date.fromisoformat(date)  # the pattern makes the text the date's canonical form
            return None
    except ValueError:
        pass
    return "invalid_date", f"{date[:40]!r} is not a real calendar date as YYYY-MM-DD."


def contact_item_record(item: Any, index: int, errors: list[ErrorDetail]) -> ContactRecord | None:
    """`contacts[index]` as a record, or None after adding its problems to `errors`."""
    prefix = f"contacts[{index}]."
    if not isinstance(item, dict):
        errors.append(ErrorDetail(f"contacts[{index}]", "invalid_type", "Expected an object."))
        return None
    found = len(errors)
    customer_external_id = text_value(item, "customer_external_id", errors, prefix=prefix)
    external_id = text_value(item, "contact_external_id", errors, prefix=prefix)
    name = text_value(item, "contact_name", errors, prefix=prefix)
    attributes = attributes_value(item, errors, prefix=prefix)
    positions: dict[str, int] = {}
    metrics = _metrics_value(item, errors, prefix=prefix, positions=positions)
    if len(errors) > found:
        return None
    # The name is one string: the hub's `full_name`, never split. Built-in attribute codenames (`email`,
    # `phone`, `city`...) land in the contact's own columns: the ingest does that for every dialect.
    return BulkContactRecord(
        fields={"external_id": external_id, "full_name": name},
        attributes=attributes,
        metrics=metrics,
        customer_external_id=customer_external_id,
        paths={
            "external_id": f"{prefix}contact_external_id",
            "full_name": f"{prefix}contact_name",
            "customer_external_id": f"{prefix}customer_external_id",
        },
        item_prefix=prefix,
        metric_positions=positions,
    )


def _owner_email_value(item: Mapping[str, Any], errors: list[ErrorDetail], *, prefix: str) -> Any:
    """Absent: `...` (leave as stored); null: None (clear); otherwise a string the ingest normalises."""
    if "owner_email" not in item:
        return ...
    value = item["owner_email"]
    path = f"{prefix}owner_email"
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(ErrorDetail(path, "invalid_type", "Expected a string."))
        return ...
    if len(value.strip()) > MAX_EMAIL_LENGTH:
        errors.append(
            ErrorDetail(path, "max_length", f"Ensure this field has at most {MAX_EMAIL_LENGTH} characters.")
        )
        return ...
    return value.strip() or None


def customer_item_record(item: Any, index: int, errors: list[ErrorDetail]) -> CustomerRecord | None:
    """`customers[index]` as a record, or None after adding its problems to `errors`."""
    prefix = f"customers[{index}]."
    if not isinstance(item, dict):
        errors.append(ErrorDetail(f"customers[{index}]", "invalid_type", "Expected an object."))
        return None
    found = len(errors)
    external_id = text_value(item, "external_id", errors, prefix=prefix)
    name = text_value(item, "name", errors, prefix=prefix)
    owner_email = _owner_email_value(item, errors, prefix=prefix)
    attributes = attributes_value(item, errors, prefix=prefix)
    positions: dict[str, int] = {}
    metrics = _metrics_value(item, errors, prefix=prefix, positions=positions)
    if len(errors) > found or external_id is None:
        return None
    return BulkCustomerRecord(
        external_id=external_id,
        name=name,
        owner_email=owner_email,
        attributes=attributes,
        metrics=metrics,
        item_prefix=prefix,
        metric_positions=positions,
    )


def contacts_request(body: Any) -> list[ContactRecord]:
    """A whole `POST /contacts` body as records; any problem in any item is a 400 naming all of them."""
    errors: list[ErrorDetail] = []
    records = [contact_item_record(item, n, errors) for n, item in enumerate(request_items(body, "contacts"))]
    if errors:
        raise request_error(errors)
    return [r for r in records if r is not None]


def customers_request(body: Any) -> list[CustomerRecord]:
    """A whole `POST /customers` body as records; any problem in any item is a 400 naming all of them."""
    errors: list[ErrorDetail] = []
    items = request_items(body, "customers")
    records = [customer_item_record(item, n, errors) for n, item in enumerate(items)]
    if errors:
        raise request_error(errors)
    return [r for r in records if r is not None]
