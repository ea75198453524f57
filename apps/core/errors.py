"""Errors raised by services and rendered by the interfaces.

Services raise `ApplicationError` (or a subclass) with a machine code, a message and optional field-level
details; the API exception handlers render it in the hub's envelope or in a vendor's own shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


@dataclass
class ApplicationError(Exception):
    message: str
    code: str = "invalid_request"
    status: int = 400
    details: list[ErrorDetail] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


class NotFound(ApplicationError):
    def __init__(self, message: str = "Not found.", code: str = "not_found") -> None:
        super().__init__(message=message, code=code, status=404)


def validation_error(details: list[ErrorDetail], *, status: int = 400) -> ApplicationError:
    """One error for a list of field problems; the message names the first field, as clients log it."""
    first = details[0]
    message = f"{first.path}: {first.message}" if first.path else first.message
    if len(details) > 1:
        message += f" (and {len(details) - 1} more)"
    return ApplicationError(message=message, code="invalid_request", status=status, details=details)
