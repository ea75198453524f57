"""Trustmary documents no error body, so errors use the hub's envelope (`specs/common.md`, "Error bodies"):
`{"error": {"code", "message", "details": [{"path", "code", "message"}]}}`. Paths are Trustmary's own field
names (`email`, `addToLists[1]`, `field_score`)."""

from __future__ import annotations

from typing import Any

from apps.core.errors import ApplicationError, ErrorDetail, validation_error
from apps.core.exception_handlers import envelope
from apps.ingest.records import Issue


def render_error(status: int, code: str, message: str, details: list[ErrorDetail]) -> dict[str, Any]:
    return envelope(code, message, details)


def field_error(path: str, code: str, message: str) -> ApplicationError:
    return validation_error([ErrorDetail(path, code, message)])


def record_rejected(issues: list[Issue]) -> ApplicationError:
    """The ingest failed the record: 409 when its identity belongs to another contact, else 400."""
    errors = [i for i in issues if i.severity == "error"] or issues
    details = [ErrorDetail(i.path, i.code, i.message) for i in errors] or [
        ErrorDetail("", "rejected", "The contact could not be stored.")
    ]
    error = validation_error(details)
    if any(i.code == "identity_conflict" for i in errors):
        error.status = 409
        error.code = "identity_conflict"
    return error
