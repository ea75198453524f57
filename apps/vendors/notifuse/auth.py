"""Notifuse's bearer-token check, with its own 401 messages (`internal/http/middleware/auth.go`).

Notifuse splits the header on single spaces and wants exactly `Bearer <token>` (case-sensitive); anything else
is "Invalid authorization header format". A token that is no key of ours is "Invalid token".
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.request import Request

from apps.core.authentication import ApiKeyAuthentication

MISSING = "Authorization header is required"
BAD_FORMAT = "Invalid authorization header format"
INVALID = "Invalid token"


class MalformedAuthorization(exceptions.AuthenticationFailed):
    status_code = 401
    default_detail = BAD_FORMAT
    default_code = "invalid_authorization_header"


class NotifuseAuthentication(ApiKeyAuthentication):
    missing_status = 401
    invalid_status = 401
    missing_message = MISSING
    invalid_message = INVALID
    www_authenticate = "Bearer"

    def extract_key(self, request: Request) -> str | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split(" ")
        if len(parts) != 2 or parts[0] != "Bearer":
            raise MalformedAuthorization()
        if not parts[1]:
            raise self.invalid()
        return parts[1]
