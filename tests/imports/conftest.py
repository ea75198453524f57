from __future__ import annotations

from typing import Any

import orjson
import pytest

from apps.imports import registry
from apps.imports.registry import BulkDialect, BulkPlan, ItemRejected
from apps.ingest.records import ContactRecord, Issue


def _plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    if options.get("explode"):
        raise RuntimeError("translator bug")
    items: list[ContactRecord | ItemRejected] = []
    for n, item in enumerate(payload["contacts"]):
        if not item.get("email"):
            items.append(ItemRejected([Issue(f"contacts[{n}].email", "required", "email is required")]))
        else:
            items.append(ContactRecord(fields={"email": item["email"], "first_name": item.get("name")}))
    return BulkPlan(items=items)


@pytest.fixture
def test_dialect():
    """A minimal bulk dialect under the `api` source: {"contacts": [{"email", "name"}]}."""
    dialect = BulkDialect(source="api", plan=_plan, record_items=True)
    saved = dict(registry._DIALECTS)
    registry.bulk_dialect_register(dialect)
    yield dialect
    registry._DIALECTS.clear()
    registry._DIALECTS.update(saved)


def payload(n: int, *, missing: tuple[int, ...] = ()) -> bytes:
    return orjson.dumps(
        {
            "contacts": [
                {"email": "" if i in missing else f"p{i}@example.com", "name": f"P{i}"} for i in range(n)
            ]
        }
    )
