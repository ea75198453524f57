"""The base of every API view (native and vendor dialects).

It does, before any handler runs: the dialect's body-size limit (413 before the body is read), the JSON-only
rule for writes (415, or the dialect's own status), content negotiation (406), key authentication with the
dialect's header, the read-only-key rule (403) and the per-key rate limit (429 + Retry-After). After: an
`Idempotency-Key` on a write stores the response, and a retry with the same key and body replays it.

Every error is rendered by `render_error()`, which a dialect overrides to speak its vendor's error shape.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.core.errors import ApplicationError, ErrorDetail
from apps.core.exception_handlers import envelope, flatten_drf_detail
from apps.core.models import IdempotencyRecord
from apps.workspaces.models import ApiKey, Workspace

logger = logging.getLogger(__name__)

MB = 1024 * 1024
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "body_too_large"


class UnsupportedContentType(exceptions.APIException):
    status_code = 415
    default_code = "unsupported_media_type"


class IdempotentReplay(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body


class KeyRateThrottle(SimpleRateThrottle):
    """Requests per API key per dialect; the rate comes from settings.RATE_LIMITS[dialect]."""

    def __init__(self) -> None:  # the rate depends on the view, so it is read in allow_request
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, "dialect", "api")
        self.rate = settings.RATE_LIMITS.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return f"throttle:{self.scope}:{request.auth.pk}"


class HubAPIView(APIView):
    dialect = "api"
    max_body_bytes = 5 * MB
    unsupported_media_status = 415
    throttle_classes = [KeyRateThrottle]

    # --- request checks ------------------------------------------------------------------------------------

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._idempotency: IdempotencyRecord | None = None
        length = _content_length(request)
        if length > self.max_body_bytes:
            raise BodyTooLarge(f"The request body is larger than {self.max_body_bytes // MB} MB.")
        if request.method in WRITE_METHODS and length > 0:
            content_type = request.content_type.split(";")[0].strip().lower()
            if content_type != "application/json" and not content_type.endswith("+json"):
                exc = UnsupportedContentType(
                    f"Content-Type must be application/json, not {content_type or 'empty'!r}."
                )
                exc.status_code = self.unsupported_media_status
                raise exc
        super().initial(request, *args, **kwargs)
        # A dry run writes nothing, so it needs no replay and must not claim the key for the real request.
        if request.method in WRITE_METHODS and request.META.get("HTTP_IDEMPOTENCY_KEY") and not self.dry_run:
            self._idempotency_begin(request)

    @property
    def api_key(self) -> ApiKey:
        api_key = self.request.auth
        assert isinstance(api_key, ApiKey)  # authentication ran in initial()
        return api_key

    @property
    def workspace(self) -> Workspace:
        return self.api_key.workspace

    @property
    def dry_run(self) -> bool:
        return self.request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}

    # --- idempotency ---------------------------------------------------------------------------------------

    def _idempotency_begin(self, request: Request) -> None:
        key = request.META["HTTP_IDEMPOTENCY_KEY"].strip()[:255]
        digest = hashlib.sha256(
            b"\n".join(
                [(request.method or "").encode(), request.get_full_path().encode(), request._request.body]
            )
        ).hexdigest()
        workspace = self.workspace
        stored = IdempotencyRecord.objects.filter(workspace=workspace, key=key).first()
        if stored is None:
            try:
                with transaction.atomic():
                    self._idempotency = IdempotencyRecord.objects.create(
                        workspace=workspace, key=key, request_hash=digest
                    )
                return
            except IntegrityError:
                stored = IdempotencyRecord.objects.filter(workspace=workspace, key=key).first()
                if stored is None:
                    raise
        if stored.request_hash != digest:
            raise ApplicationError(
                "This Idempotency-Key was used with a different request.",
                code="idempotency_key_reused",
                status=422,
            )
        if stored.status_code is None:
            raise ApplicationError(
                "A request with this Idempotency-Key is still being processed.",
                code="idempotency_in_progress",
                status=409,
            )
        raise IdempotentReplay(stored.status_code, bytes(stored.response_body or b""))

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency", None)
        if record is not None:
            self._idempotency = None
            if response.status_code >= 500:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
            else:
                response.render()
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=response.status_code, response_body=response.content
                )
        return response

    # --- errors --------------------------------------------------------------------------------------------

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        """The error body in this dialect's shape; the hub's envelope by default."""
        return envelope(code, message, details)

    def get_exception_handler(self) -> Any:
        return self._handle_error

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, IdempotentReplay):
            response = Response(status=exc.status)
            response.content = exc.body
            response["Content-Type"] = "application/json"
            response["Idempotent-Replayed"] = "true"
            response.accepted_renderer = self.get_renderers()[0]
            response.accepted_media_type = "application/json"
            response.renderer_context = self.get_renderer_context()  # type: ignore[attr-defined]
            response._is_rendered = True  # type: ignore[attr-defined]
            return response
        return super().handle_exception(exc)

    def _handle_error(self, exc: Exception, context: dict[str, Any]) -> Response:
        headers: dict[str, str] = {}
        details: list[ErrorDetail] = []
        if isinstance(exc, ApplicationError):
            status, code, message, details = exc.status, exc.code, exc.message, exc.details
        elif isinstance(exc, Http404):
            status, code, message = 404, "not_found", str(exc) or "Not found."
        elif isinstance(exc, DjangoPermissionDenied):
            status, code, message = 403, "permission_denied", "You do not have permission to do this."
        elif isinstance(exc, exceptions.ValidationError):
            details = flatten_drf_detail(exc.detail)
            first = details[0] if details else ErrorDetail("", "invalid", "Invalid input.")
            status, code = 400, "invalid_request"
            message = f"{first.path}: {first.message}" if first.path else first.message
        elif isinstance(exc, exceptions.APIException):
            status = exc.status_code
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else "error"
            message = str(exc.detail)
            if isinstance(exc, exceptions.Throttled):
                headers["Retry-After"] = str(int(getattr(exc, "wait", None) or 1) or 1)
                message = f"Rate limit exceeded; retry in {headers['Retry-After']} seconds."
            auth_header = getattr(exc, "auth_header", None)
            if auth_header:
                headers["WWW-Authenticate"] = auth_header
        else:
            logger.exception("unhandled error in %s", type(self).__name__)
            status, code, message = 500, "server_error", "Internal server error."
        return Response(self.render_error(status, code, message, details), status=status, headers=headers)


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
