"""Reads of attribute and metric definitions, and of how the workspace's stored values use them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.attributes.coercion import CoercionError, coerce_value
from apps.attributes.models import AttributeDefinition, ContactMetric, CustomerMetric, MetricDefinition
from apps.contacts.models import Contact

SCAN_CHUNK = 2000
EXAMPLES = 5


def attribute_definitions(
    *, workspace_id: int, include_archived: bool = True
) -> QuerySet[AttributeDefinition]:
    """Custom definitions first (by codename), then the built-in ones."""
    qs = AttributeDefinition.objects.filter(workspace_id=workspace_id).order_by("builtin", "codename")
    return qs if include_archived else qs.filter(archived=False)


def attribute_definition_get(*, workspace_id: int, pk: int) -> AttributeDefinition | None:
    return AttributeDefinition.objects.filter(workspace_id=workspace_id, pk=pk).first()


def attribute_definitions_by_codename(*, workspace_id: int) -> dict[str, AttributeDefinition]:
    return {d.codename: d for d in AttributeDefinition.objects.filter(workspace_id=workspace_id)}


def attribute_value_counts(
    *, workspace_id: int, definitions: Sequence[AttributeDefinition]
) -> dict[str, int]:
    """How many live contacts have a value for each definition: one scan of the workspace's contacts,
    whatever the number of definitions."""
    if not definitions:
        return {}
    aggregates = {}
    for n, definition in enumerate(definitions):
        has_value = (
            Q(**{f"{definition.codename}__isnull": False})
            if definition.builtin
            else Q(attributes__has_key=definition.codename)
        )
        aggregates[f"d{n}"] = Count("id", filter=has_value)
    totals = Contact.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True).aggregate(
        **aggregates
    )
    return {d.codename: totals[f"d{n}"] or 0 for n, d in enumerate(definitions)}


def metric_definitions(*, workspace_id: int, include_archived: bool = True) -> QuerySet[MetricDefinition]:
    qs = MetricDefinition.objects.filter(workspace_id=workspace_id).order_by("codename")
    return qs if include_archived else qs.filter(archived=False)


def metric_definition_get(*, workspace_id: int, pk: int) -> MetricDefinition | None:
    return MetricDefinition.objects.filter(workspace_id=workspace_id, pk=pk).first()


def metric_value_counts(*, workspace_id: int, definitions: Sequence[MetricDefinition]) -> dict[str, int]:
    """How many live contacts have at least one dated value of each metric (one query)."""
    if not definitions:
        return {}
    aggregates = {
        f"d{n}": Count("contact_id", distinct=True, filter=Q(values__has_key=d.codename))
        for n, d in enumerate(definitions)
    }
    totals = ContactMetric.objects.filter(
        contact__workspace_id=workspace_id, contact__deleted_at__isnull=True
    ).aggregate(**aggregates)
    return {d.codename: totals[f"d{n}"] or 0 for n, d in enumerate(definitions)}


@dataclass
class Unconvertible:
    """Stored values that would not convert to a new type: how many, and a few of them to show."""

    count: int = 0
    checked: int = 0
    examples: list[tuple[str, Any, str]] = field(default_factory=list)  # (where, value, why)

    def note(self, where: str, value: Any, why: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((where, value, why))


def json_key_rows(
    qs: QuerySet[Any], key_field: str, codename: str, *columns: str
) -> Iterator[tuple[Any, ...]]:
    """(id, *columns) of every row of `qs` whose JSON `key_field` has `codename`, a chunk at a time."""
    last = 0
    qs = qs.filter(**{f"{key_field}__has_key": codename})
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values_list("id", *columns)[:SCAN_CHUNK])
        yield from rows
        if len(rows) < SCAN_CHUNK:
            return
        last = rows[-1][0]


def attribute_values_unconvertible(
    *, workspace_id: int, codename: str, type: str, choices: Sequence[str] = ()
) -> Unconvertible:
    """Check every stored value of attribute `codename` (deleted contacts included) against `type`."""
    found = Unconvertible()
    contacts = Contact.objects.filter(workspace_id=workspace_id)
    for _, public_id, attributes in json_key_rows(
        contacts, "attributes", codename, "public_id", "attributes"
    ):
        found.checked += 1
        try:
            coerce_value(type, attributes[codename], choices=choices, text=True)
        except CoercionError as exc:
            found.note(f"contact {public_id}", attributes[codename], str(exc))
    return found


def metric_values_unconvertible(*, workspace_id: int, codename: str, type: str) -> Unconvertible:
    """Check every stored value of metric `codename`, of contacts and of customers, against `type`."""
    found = Unconvertible()
    sources: list[tuple[QuerySet[Any], str]] = [
        (ContactMetric.objects.filter(contact__workspace_id=workspace_id), "contact__public_id"),
        (CustomerMetric.objects.filter(customer__workspace_id=workspace_id), "customer__external_id"),
    ]
    for qs, owner in sources:
        for _, who, date, values in json_key_rows(qs, "values", codename, owner, "date", "values"):
            found.checked += 1
            try:
                coerce_value(type, values[codename], text=True)
            except CoercionError as exc:
                found.note(f"{who} on {date.isoformat()}", values[codename], str(exc))
    return found
