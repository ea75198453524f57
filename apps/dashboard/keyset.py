"""Keyset pagination: each page is found by the sort values of the row before it, never by OFFSET, and no
page counts the whole result. A page costs the same at row 50 and at row 1,000,000.

The sort keys end with the primary key, so every row has a distinct position. Nullable keys sort NULLS LAST
in both directions. The first key also bounds the scan (`created_at <= v`) so the database can start an
index range scan at the cursor instead of filtering every row before it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import F, Model, OrderBy, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    nullable: bool = False

    def reversed(self) -> SortKey:
        return SortKey(self.field, not self.descending, self.nullable)


@dataclass
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def _order(keys: Sequence[SortKey], nulls_first: bool) -> list[OrderBy]:
    out = []
    for key in keys:
        expr = F(key.field)
        nulls = {"nulls_first": True} if nulls_first else {"nulls_last": True}
        if not key.nullable:
            nulls = {}
        out.append(expr.desc(**nulls) if key.descending else expr.asc(**nulls))
    return out


def _after(keys: Sequence[SortKey], values: Sequence[Any], nulls_first: bool) -> Q:
    """Rows strictly after `values` in the order of `keys` (a lexicographic comparison, NULL-aware)."""
    key, value, rest = keys[0], values[0], keys[1:]
    op = "lt" if key.descending else "gt"
    if not rest:
        return Q(**{f"{key.field}__{op}": value})
    tail = _after(rest, values[1:], nulls_first)
    is_null = Q(**{f"{key.field}__isnull": True})
    if value is None:
        return (is_null & tail) | ~is_null if nulls_first else is_null & tail
    condition = Q(**{f"{key.field}__{op}": value}) | (Q(**{key.field: value}) & tail)
    if key.nullable and not nulls_first:
        condition |= is_null
    return condition


def _bound(key: SortKey, value: Any, nulls_first: bool) -> Q:
    """A redundant range on the first key that an index can start from."""
    if value is None or key.nullable:
        return Q()
    return Q(**{f"{key.field}__{'lte' if key.descending else 'gte'}": value})


def encode_cursor(direction: str, values: Sequence[Any]) -> str:
    plain = [v.isoformat() if hasattr(v, "isoformat") else v for v in values]
    raw = json.dumps([direction, plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[Model], keys: Sequence[SortKey]) -> tuple[str, list[Any]] | None:
    """The direction and typed values of a cursor, or None for anything malformed (then: the first page)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
        if direction not in ("n", "p") or not isinstance(values, list) or len(values) != len(keys):
            return None
        typed = [
            None if v is None else model._meta.get_field(k.field).to_python(v)  # type: ignore[union-attr]
            for k, v in zip(keys, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, ValidationError):
        return None
    if any(v is None and not k.nullable for k, v in zip(keys, typed, strict=True)):
        return None
    return direction, typed


def _values(row: Model, keys: Sequence[SortKey]) -> list[Any]:
    return [getattr(row, k.field) for k in keys]


def keyset_page(queryset: QuerySet[M], *, keys: Sequence[SortKey], cursor: str | None, size: int) -> Page[M]:
    """One page of `queryset` in the order of `keys` (the last key must be unique and non-null)."""
    decoded = decode_cursor(cursor, queryset.model, keys) if cursor else None
    if decoded is None:
        rows = list(queryset.order_by(*_order(keys, nulls_first=False))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        next_cursor = encode_cursor("n", _values(rows[-1], keys)) if more else None
        return Page(rows, next_cursor, None)
    direction, values = decoded
    if direction == "n":
        qs = queryset.filter(_bound(keys[0], values[0], False), _after(keys, values, nulls_first=False))
        rows = list(qs.order_by(*_order(keys, nulls_first=False))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        return Page(
            rows,
            encode_cursor("n", _values(rows[-1], keys)) if more else None,
            encode_cursor("p", _values(rows[0], keys)) if rows else None,
        )
    back = [k.reversed() for k in keys]
    qs = queryset.filter(_bound(back[0], values[0], True), _after(back, values, nulls_first=True))
    rows = list(qs.order_by(*_order(back, nulls_first=True))[: size + 1])
    more = len(rows) > size
    rows = list(reversed(rows[:size]))
    return Page(
        rows,
        encode_cursor("n", _values(rows[-1], keys)) if rows else None,
        encode_cursor("p", _values(rows[0], keys)) if more else None,
    )
