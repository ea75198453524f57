"""Customers (companies) through the same pipeline: upsert by external id, typed attributes, dated metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.attributes.coercion import CoercionError, coerce_value, parse_date
from apps.attributes.models import CustomerMetric
from apps.contacts.models import Customer
from apps.ingest.normalise import normalise_email
from apps.ingest.prepare import Definitions
from apps.ingest.records import Issue, Outcome, RecordResult
from apps.ingest.services import definitions_load
from apps.ingest.sql import fetch_matching, insert_rows, update_rows
from apps.ingest.state import same_value


@dataclass(slots=True)
class CustomerRecord:
    external_id: str
    name: str | None = None
    owner_email: Any = ...  # Ellipsis = absent; None = clear
    attributes: dict[str, Any] = field(default_factory=dict)
    metrics: dict[Any, dict[str, Any]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name, name)


def customers_ingest(
    *, workspace_id: int, records: Sequence[CustomerRecord], start_index: int = 0, dry_run: bool = False
) -> list[RecordResult]:
    """Upsert customers by external id (later records of one call win field by field)."""
    defs = definitions_load(workspace_id=workspace_id)
    with transaction.atomic():
        results = _customers_chunk(workspace_id, records, start_index, defs, dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return results


def _customers_chunk(
    workspace_id: int, records: Sequence[CustomerRecord], start: int, defs: Definitions, dry_run: bool
) -> list[RecordResult]:
    now = timezone.now()
    columns = ("id", "external_id", "name", "owner_email", "attributes")
    stored = {
        row[1]: dict(zip(columns, row, strict=True))
        for row in fetch_matching(
            Customer,
            columns,
            where={"workspace_id": workspace_id},
            matching={"external_id": {r.external_id for r in records}},
            order_by="id",
            lock=True,
        )
    }
    existing_metrics: dict[tuple[int, dt.date], dict[str, Any]] = {}
    if stored:
        for customer_id, date, values in fetch_matching(
            CustomerMetric,
            ("customer_id", "date", "values"),
            where={},
            matching={"customer_id": [row["id"] for row in stored.values()]},
        ):
            existing_metrics[(customer_id, date)] = dict(values or {})

    results: list[RecordResult] = []
    rows: dict[str, dict[str, Any]] = {}
    dirty: set[str] = set()
    new: set[str] = set()
    metric_rows: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for offset, record in enumerate(records):
        result = RecordResult(start + offset, Outcome.UNCHANGED, record.external_id)
        results.append(result)
        key = record.external_id
        row = rows.get(key) or stored.get(key)
        if row is None:
            row = {"id": None, "external_id": key, "name": "", "owner_email": None, "attributes": {}}
            new.add(key)
            result.outcome = Outcome.CREATED
        row = rows.setdefault(key, {**row, "attributes": dict(row["attributes"] or {})})
        changed = False
        if record.name is not None and row["name"] != record.name:
            row["name"], changed = record.name, True
        if record.owner_email is not ...:
            email = record.owner_email
            if email is not None:
                try:
                    email = normalise_email(email)
                except CoercionError as exc:
                    result.issues.append(
                        Issue(record.path("owner_email"), "invalid_email", str(exc), "warning")
                    )
                    email = row["owner_email"]
            if email != row["owner_email"]:
                row["owner_email"], changed = email, True
        for codename, value in record.attributes.items():
            definition = defs.attributes.get(codename)
            if definition is None or definition.archived or definition.builtin:
                result.issues.append(
                    Issue(
                        record.path(f"attributes.{codename}"),
                        "unknown_attribute",
                        f"{codename!r} is not an attribute of this workspace; dropped.",
                        "warning",
                    )
                )
                continue
            try:
                stored_value = (
                    None
                    if value is None
                    else coerce_value(definition.type, value, choices=definition.choices)
                )
            except CoercionError as exc:
                result.issues.append(
                    Issue(
                        record.path(f"attributes.{codename}"), "invalid_value", f"{exc}; dropped.", "warning"
                    )
                )
                continue
            attrs = row["attributes"]
            if stored_value is None:
                if codename in attrs:
                    del attrs[codename]
                    changed = True
            elif codename not in attrs or not same_value(attrs[codename], stored_value):
                attrs[codename] = stored_value
                changed = True
        for raw_date, values in record.metrics.items():
            try:
                date = parse_date(raw_date)
            except CoercionError as exc:
                result.issues.append(
                    Issue(record.path(f"metrics[{raw_date}]"), "invalid_date", str(exc), "warning")
                )
                continue
            current = metric_rows.get((key, date))
            if current is None:
                current = dict(existing_metrics.get((row["id"], date), {})) if row["id"] else {}
            merged = dict(current)
            for codename, value in values.items():
                definition = defs.metrics.get(codename)
                if definition is None or definition.archived:
                    result.issues.append(
                        Issue(
                            record.path(f"metrics[{date}].{codename}"),
                            "unknown_metric",
                            f"{codename!r} is not a metric of this workspace; dropped.",
                            "warning",
                        )
                    )
                    continue
                try:
                    if value is None:
                        merged.pop(codename, None)
                    else:
                        merged[codename] = coerce_value(definition.type, value)
                except CoercionError as exc:
                    result.issues.append(
                        Issue(
                            record.path(f"metrics[{date}].{codename}"),
                            "invalid_value",
                            f"{exc}; dropped.",
                            "warning",
                        )
                    )
            if merged != current or (row["id"], date) not in existing_metrics:
                metric_rows[(key, date)] = merged
                changed = True
        if changed:
            dirty.add(key)
            if result.outcome != Outcome.CREATED:
                result.outcome = Outcome.UPDATED
    if dry_run:
        return results
    insert = [rows[k] for k in sorted(new)]
    insert_rows(
        Customer,
        ("workspace", "external_id", "name", "owner_email", "attributes", "created_at", "updated_at"),
        [
            (workspace_id, r["external_id"], r["name"], r["owner_email"], r["attributes"], now, now)
            for r in insert
        ],
    )
    if insert:
        ids = dict(
            Customer.objects.filter(workspace_id=workspace_id, external_id__in=new).values_list(
                "external_id", "id"
            )
        )
        for r in insert:
            r["id"] = ids[r["external_id"]]
    update_rows(
        Customer,
        ("id", "name", "owner_email", "attributes", "updated_at"),
        [
            (rows[k]["id"], rows[k]["name"], rows[k]["owner_email"], rows[k]["attributes"], now)
            for k in sorted(dirty - new)
        ],
    )
    insert_rows(
        CustomerMetric,
        ("customer", "date", "values"),
        [(rows[k]["id"], d, v) for (k, d), v in sorted(metric_rows.items())],
        conflict=("customer", "date"),
        update=("values",),
    )
    for result in results:
        result.contact_id = rows[result.identity]["id"]
    return results
