"""Customerscore sends the key in its own header (docs.customerscore.io: `customerscore-key`).

Its documented codes: 401 "Unauthorized - Missing customerscore-key in the header", 403 "Forbidden - Invalid
key" (seed `000_9f9347dce480c16b.txt`, "Response Codes"); a revoked key is an invalid key.
"""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.authentication import ApiKeyAuthentication

KEY_HEADER = "customerscore-key"


class CustomerscoreKeyAuthentication(ApiKeyAuthentication):
    missing_status = 401
    invalid_status = 403
    missing_message = f"Unauthorized - Missing {KEY_HEADER} in the header."
    invalid_message = "Forbidden - Invalid key."
    www_authenticate = KEY_HEADER

    def extract_key(self, request: Request) -> str | None:
        return request.META.get("HTTP_CUSTOMERSCORE_KEY", "").strip() or None
