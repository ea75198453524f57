"""PUSHTech documents no error body, so its errors use the hub's envelope (`specs/common.md`, "Error
bodies")."""

from __future__ import annotations

from typing import Any

from apps.core.errors import ErrorDetail
from apps.core.exception_handlers import envelope

ACCOUNT_FORBIDDEN = "This API key does not belong to this account."


def error_body(status: int, code: str, message: str, details: list[ErrorDetail]) -> dict[str, Any]:
    return envelope(code, message, details)
