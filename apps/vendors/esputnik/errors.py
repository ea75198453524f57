"""eSputnik's errors: "HTTP-response with status code 4xx … Text details can be added to the response body"
(https://docs.esputnik.com/reference/getting-started-with-your-api). It documents no body shape, so the
dialect sends the hub's one envelope (`specs/common.md`, "Error bodies"):
`{"error": {"code", "message", "details": [{"path", "code", "message"}]}}`.
"""

from __future__ import annotations

from typing import Any

from apps.core.errors import ApplicationError, ErrorDetail, validation_error
from apps.core.exception_handlers import envelope
from apps.ingest.records import ContactRecord, Issue, RecordResult


def error_body(status: int, code: str, message: str, details: list[ErrorDetail]) -> dict[str, Any]:
    return envelope(code, message, details)


def ingest_failure(result: RecordResult, record: ContactRecord) -> ApplicationError:
    """A record the ingest refused → the request's error: 409 when its identity belongs to another contact,
    else 400 naming the field (`fields[1].value`) and, for a custom field, its name."""
    errors = result.errors or [Issue("", "failed", "The contact could not be stored.")]
    codenames = {
        path: name.removeprefix("attributes.")
        for name, path in record.paths.items()
        if name.startswith("attributes.")
    }
    details = []
    for issue in errors:
        # The ingest words a rejected value like a dropped one; here nothing was stored at all.
        message = issue.message.removesuffix("; dropped.")
        codename = codenames.get(issue.path)
        if codename is not None:
            message = f"{codename!r}: {message}"
        details.append(ErrorDetail(issue.path, issue.code, message))
    if any(issue.code == "identity_conflict" for issue in errors):
        error = validation_error(details, status=409)
        error.code = "identity_conflict"
        return error
    return validation_error(details)
