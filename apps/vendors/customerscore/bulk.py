"""Customerscore's bulk dialect for the import runner: a stored request body → one item per contact or
customer (pure, no database). Registered at startup by `apps.vendors.apps.VendorsConfig`.

Both uploads run under the source "customerscore"; the plan only sees the payload and the job's options, so
the view stores the job's kind in the options too (`{"kind": "customers"}`).
"""

from __future__ import annotations

from typing import Any

from apps.core.errors import ErrorDetail
from apps.imports.registry import BulkDialect, BulkPlan, ItemRejected, bulk_dialect_register
from apps.ingest.records import Issue
from apps.vendors.customerscore.bulk_translate import (
    CONTACTS_POLICY,
    contact_item_record,
    customer_item_record,
    request_items,
)

SOURCE = "customerscore"
KIND_OPTION = "kind"


def _rejected(item: Any, errors: list[ErrorDetail], identity_key: str) -> ItemRejected:
    # The view refuses a request with any such item, so this only guards a payload stored another way.
    identity = item.get(identity_key) if isinstance(item, dict) else None
    return ItemRejected(
        [Issue(e.path, e.code, e.message) for e in errors],
        identity=identity if isinstance(identity, str) else "",
        outcome="failed",
    )


def contacts_plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    items: list[Any] = []
    for index, item in enumerate(request_items(payload, "contacts")):
        errors: list[ErrorDetail] = []
        record = contact_item_record(item, index, errors)
        items.append(record if record is not None else _rejected(item, errors, "contact_external_id"))
    return BulkPlan(items=items, policy=CONTACTS_POLICY, kind="contacts")


def customers_plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    items: list[Any] = []
    for index, item in enumerate(request_items(payload, "customers")):
        errors: list[ErrorDetail] = []
        record = customer_item_record(item, index, errors)
        items.append(record if record is not None else _rejected(item, errors, "external_id"))
    return BulkPlan(items=items, kind="customers")


def plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    if options.get(KIND_OPTION) == "customers":
        return customers_plan(payload, options)
    return contacts_plan(payload, options)


bulk_dialect_register(BulkDialect(source=SOURCE, plan=plan))
