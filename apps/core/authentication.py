"""API-key authentication shared by the native API and every vendor dialect.

Each dialect reads the key from its vendor's header and answers a missing or a wrong key with its vendor's
status code (`specs/common.md`), so the base class only needs two hooks: `extract_key()` and the statuses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from apps.workspaces.models import ApiKey, Workspace
from apps.workspaces.services import api_key_authenticate


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """Stands in for `request.user` on API requests; `request.auth` is the ApiKey."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False

    @property
    def workspace(self) -> Workspace:
        return self.api_key.workspace


class KeyMissing(exceptions.NotAuthenticated):
    status_code = 401
    default_detail = "Authentication credentials were not provided."
    default_code = "not_authenticated"


class KeyInvalid(exceptions.AuthenticationFailed):
    status_code = 401
    default_detail = "Invalid API key."
    default_code = "invalid_api_key"


class ApiKeyAuthentication(BaseAuthentication, ABC):
    missing_status = 401
    invalid_status = 401
    missing_message = "Authentication credentials were not provided."
    invalid_message = "Invalid API key."
    www_authenticate = "Bearer"

    @abstractmethod
    def extract_key(self, request: Request) -> str | None:
        """The key as sent, or None when the request carries none; raise an APIException for a bad header.
        Every dialect names its own header."""

    def authenticate(self, request: Request) -> tuple[ApiKeyPrincipal, ApiKey]:
        key = self.extract_key(request)
        if not key:
            raise self.missing()
        api_key = api_key_authenticate(key.strip())
        if api_key is None:
            raise self.invalid()
        return ApiKeyPrincipal(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.www_authenticate

    def missing(self) -> exceptions.APIException:
        exc = KeyMissing(self.missing_message)
        exc.status_code = self.missing_status
        return exc

    def invalid(self) -> exceptions.APIException:
        exc = KeyInvalid(self.invalid_message)
        exc.status_code = self.invalid_status
        return exc


def bearer_token(request: Request, *schemes: str) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() in {s.lower() for s in schemes} and token.strip():
        return token.strip()
    return None


class BearerApiKeyAuthentication(ApiKeyAuthentication):
    """The native API: `Authorization: Bearer <key>` or `X-Api-Key: <key>`."""

    def extract_key(self, request: Request) -> str | None:
        return bearer_token(request, "Bearer") or request.META.get("HTTP_X_API_KEY") or None
