"""Typing of custom attribute and metric values.

A value is checked against its definition's type and returned in its stored JSON form (dates and datetimes
as ISO strings). JSON clients must send the JSON type; CSV cells (`text=True`) are parsed from text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MAX_STRING_LENGTH = 10_000
MAX_INTEGER = 2**63 - 1  # what a JSON number can round-trip through both databases
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d+,\d+$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


class CoercionError(ValueError):
    pass


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def parse_date(value: Any) -> dt.date:
    """A real calendar date from `YYYY-MM-DD` (or a date object)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise CoercionError(f"expected a date (YYYY-MM-DD), got {_type_name(value)}")
    return _parse_date_text(value)


@lru_cache(maxsize=4096)
def _parse_date_text(value: str) -> dt.date:
    # Bulk payloads repeat the same few dates (metric days) thousands of times.
    text = value.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise CoercionError(f"expected a date as YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CoercionError(f"{value!r} is not a real calendar date") from None


def parse_datetime(value: Any) -> dt.datetime:
    """An aware datetime from RFC 3339 / ISO 8601 text; a value without an offset is taken as UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise CoercionError(f"expected an ISO 8601 date-time, got {value!r}") from None
    else:
        raise CoercionError(f"expected an ISO 8601 date-time, got {_type_name(value)}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


MAX_JSON_DEPTH = 64


def _check_json(value: Any) -> None:
    """JSON values must survive storage: finite numbers, 64-bit integers, no NUL, at most 64 levels deep."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise CoercionError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(node, float) and not math.isfinite(node):
            raise CoercionError("JSON numbers must be finite")
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_INTEGER:
            raise CoercionError("number out of range (beyond 64 bits)")
        elif isinstance(node, str) and "\x00" in node:
            raise CoercionError("text contains a NUL character")


def coerce_value(type_: str, value: Any, *, choices: Sequence[str] = (), text: bool = False) -> Any:
    """The stored form of `value` for an attribute or metric of `type_`; CoercionError says what is wrong."""
    if type_ == "string":
        if isinstance(value, str):
            if len(value) > MAX_STRING_LENGTH:
                raise CoercionError(f"text longer than {MAX_STRING_LENGTH} characters")
            if "\x00" in value:
                raise CoercionError("text contains a NUL character")
            return value
        if text and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise CoercionError(f"expected a string, got {_type_name(value)}")
    if type_ == "number":
        if isinstance(value, bool):
            raise CoercionError("expected a number, got boolean")
        if isinstance(value, int):
            if abs(value) > MAX_INTEGER:
                raise CoercionError("number out of range (beyond 64 bits)")
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise CoercionError("expected a finite number")
            return int(value) if value.is_integer() and abs(value) < 2**53 else value
        if text and isinstance(value, str):
            cell = value.strip().replace(" ", "").replace("_", "")
            if _THOUSANDS_RE.match(cell):  # 1,000 or 1,234.5
                cell = cell.replace(",", "")
            elif _DECIMAL_COMMA_RE.match(cell) and not re.search(r",\d{3}$", cell):  # 3,5
                cell = cell.replace(",", ".")
            try:
                number = float(cell)
            except ValueError:
                raise CoercionError(f"expected a number, got {value!r}") from None
            return coerce_value("number", number)
        raise CoercionError(f"expected a number, got {_type_name(value)}")
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        if text and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise CoercionError(f"expected a boolean, got {_type_name(value)}")
    if type_ == "date":
        return parse_date(value).isoformat()
    if type_ == "datetime":
        return parse_datetime(value).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if type_ == "json":
        if text and isinstance(value, str):
            import orjson

            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                raise CoercionError("expected JSON text") from None
        _check_json(value)
        return value
    if type_ == "choice":
        if not isinstance(value, str):
            raise CoercionError(f"expected one of the choices, got {_type_name(value)}")
        if value not in choices:
            raise CoercionError(f"{value!r} is not one of: {', '.join(choices)}")
        return value
    raise CoercionError(f"unknown type {type_!r}")
