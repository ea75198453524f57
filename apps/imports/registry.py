"""Bulk dialects register how their stored payloads become records; the job runner knows no vendor.

A dialect registers at import time of its package (`apps/vendors/<vendor>/bulk.py`, loaded by
`VendorsConfig.ready()`): `bulk_dialect_register(BulkDialect(source="pushtech", plan=..., ...))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apps.ingest.records import ContactRecord, Issue, MatchPolicy

if TYPE_CHECKING:
    from apps.imports.models import ImportJob


@dataclass(frozen=True, slots=True)
class ItemRejected:
    """An item the translator could not make a record of (e.g. no email nor phone): reported, not ingested."""

    issues: list[Issue]
    identity: str = ""
    outcome: str = "skipped"


Item = ContactRecord | ItemRejected | Any  # CustomerRecord for kind "customers"


@dataclass
class BulkPlan:
    """What a job applies. Small payloads give `items`; large files give `total` and `iterate(start)`, which
    yields the items from position `start` on, so a resumed job does not hold the whole file in memory."""

    items: list[Item] = field(default_factory=list)
    policy: MatchPolicy = field(default_factory=MatchPolicy)
    kind: str = "contacts"  # or "customers": items are then CustomerRecords (apps.ingest.customers)
    total: int | None = None
    iterate: Callable[[int], Iterator[Item]] | None = None

    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)

    def items_from(self, start: int) -> Iterator[Item]:
        if self.iterate is not None:
            return self.iterate(start)
        return iter(self.items[start:])


@dataclass(frozen=True)
class BulkDialect:
    source: str
    plan: Callable[[Any, dict[str, Any]], BulkPlan]  # (parsed payload, job options) → plan; pure
    record_items: bool = False  # keep every item's outcome (webhooks need them)
    on_complete: Callable[[ImportJob], None] | None = None
    # (job, part, parts) → the webhook body for that part, without `timestamp` and `token`
    webhook_payload: Callable[[ImportJob, int, int], dict[str, Any]] | None = None


_DIALECTS: dict[str, BulkDialect] = {}


def bulk_dialect_register(dialect: BulkDialect) -> None:
    _DIALECTS[dialect.source] = dialect


def bulk_dialect_get(source: str) -> BulkDialect:
    try:
        return _DIALECTS[source]
    except KeyError:
        raise LookupError(f"no bulk dialect registered for source {source!r}") from None
