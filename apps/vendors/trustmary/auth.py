"""Trustmary sends the key as `Authorization: Apikey <key>` (its WordPress plugin and OpenAPI `ApiKeyAuth`);
some clients send `Bearer <key>`, which we accept too (`specs/trustmary.md`). Missing or wrong: 401."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.authentication import ApiKeyAuthentication, bearer_token


class TrustmaryKeyAuthentication(ApiKeyAuthentication):
    missing_status = 401
    invalid_status = 401
    missing_message = "Missing API key: send it as 'Authorization: Apikey <key>'."
    invalid_message = "Invalid API key."
    www_authenticate = "Apikey"

    def extract_key(self, request: Request) -> str | None:
        return bearer_token(request, "Apikey", "Bearer")
