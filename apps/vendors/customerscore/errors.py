"""Customerscore documents status codes but no error body, so its errors use the hub's envelope
(`specs/common.md`, "Error bodies"). Its 405 keeps the vendor's wording: "Only POST method is allowed"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.core.errors import ErrorDetail
from apps.core.exception_handlers import envelope

# Methods a path always answers that the vendor does not document; never named in the 405 text.
_UNDOCUMENTED = frozenset({"OPTIONS", "HEAD"})


def error_body(status: int, code: str, message: str, details: list[ErrorDetail]) -> dict[str, Any]:
    return envelope(code, message, details)


def only_methods_message(methods: Iterable[str]) -> str:
    """The vendor's 405 text for the methods a path documents: "Only POST method is allowed."."""
    names = [m.upper() for m in methods if m.upper() not in _UNDOCUMENTED]
    if len(names) == 1:
        return f"Only {names[0]} method is allowed."
    return f"Only {', '.join(names[:-1])} and {names[-1]} methods are allowed."
