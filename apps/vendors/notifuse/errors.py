"""Notifuse's error body: `{"error": "<message>"}` for every error (`internal/http/utils.go`,
WriteJSONError), with Notifuse's own wording where the hub's plumbing raises the error."""

from __future__ import annotations

from typing import Any

from apps.core.errors import ApplicationError

INVALID_BODY = "Invalid request body"
METHOD_NOT_ALLOWED = "Method not allowed"
CONTACT_NOT_FOUND = "Contact not found"
# Notifuse answers a workspace the caller may not use through its service-error path: 400 on the writes
# (`contact_handler.go`, handleUpsert), and the hub answers the reads the same way (`specs/common.md`).
NO_ACCESS = "You do not have access to this workspace"
CONTACTS_WRITE_DENIED = "Insufficient permissions: write access to contacts required"
LISTS_WRITE_DENIED = "Insufficient permissions: write access to lists required"

# Codes of the strict JSON parser's errors: Notifuse says only that the body could not be decoded.
_PARSE_CODES = frozenset({"parse_error", "invalid_json"})


def bad_request(message: str, code: str = "invalid_request") -> ApplicationError:
    return ApplicationError(message, code=code, status=400)


def not_found(message: str = CONTACT_NOT_FOUND) -> ApplicationError:
    return ApplicationError(message, code="not_found", status=404)


def error_body(status: int, code: str, message: str, *, forbidden_message: str) -> dict[str, Any]:
    if status == 405:
        message = METHOD_NOT_ALLOWED
    elif status == 400 and code in _PARSE_CODES:
        message = INVALID_BODY
    elif status == 403 and code == "permission_denied":
        message = forbidden_message
    return {"error": message}
