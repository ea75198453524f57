"""One exception handler renders the hub's error envelope; vendors with their own shape override it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError, ErrorDetail


def flatten_drf_detail(detail: Any, path: str = "") -> list[ErrorDetail]:
    """DRF's nested error detail → a flat list of (path, code, message), paths like `contacts[3].email`."""
    if isinstance(detail, dict):
        out: list[ErrorDetail] = []
        for key, value in detail.items():
            key_path = (
                path if key in ("non_field_errors", "detail") else (f"{path}.{key}" if path else str(key))
            )
            out.extend(flatten_drf_detail(value, key_path))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                out.extend(flatten_drf_detail(value, f"{path}[{index}]"))
            elif not isinstance(value, dict | list):
                out.extend(flatten_drf_detail(value, path))
        return out
    code = getattr(detail, "code", None) or "invalid"
    return [ErrorDetail(path, str(code), str(detail))]


def envelope(code: str, message: str, details: list[ErrorDetail] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = [d.as_dict() for d in details]
    return {"error": body}


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(envelope(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        details = flatten_drf_detail(exc.detail)
        first = details[0] if details else ErrorDetail("", "invalid", "Invalid input.")
        message = f"{first.path}: {first.message}" if first.path else first.message
        response.data = envelope("invalid_request", message, details)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = envelope(code, str(exc.detail))
    return response
