"""CSV export of contacts, streamed a chunk at a time so memory stays flat for a million rows.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) are
prefixed with an apostrophe (OWASP "CSV injection"); numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from apps.attributes.models import AttributeDefinition
from apps.contacts.models import Contact
from apps.imports.report import csv_safe
from apps.ingest.records import CONTACT_FIELDS

CHUNK = 2000
COLUMNS: tuple[str, ...] = ("public_id", *CONTACT_FIELDS, "created_at", "updated_at")


def csv_cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return csv_safe(
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def contacts_csv(queryset: QuerySet[Contact], definitions: Sequence[AttributeDefinition]) -> Iterator[str]:
    """Header and rows of `queryset` in id order, with one column per custom attribute."""
    custom = [d.codename for d in definitions if not d.builtin]
    writer = csv.writer(_Echo())
    yield writer.writerow([*COLUMNS, "customer_external_id", *(csv_cell(f"attributes.{c}") for c in custom)])
    qs = queryset.select_related("customer").order_by("id")
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last)[:CHUNK])
        for contact in rows:
            attributes = contact.attributes or {}
            yield writer.writerow(
                [
                    *(csv_cell(getattr(contact, name)) for name in COLUMNS),
                    csv_cell(contact.customer.external_id if contact.customer else None),
                    *(csv_cell(attributes.get(c)) for c in custom),
                ]
            )
        if len(rows) < CHUNK:
            return
        last = rows[-1].id
