"""eSputnik authenticates with HTTP Basic: any user name, the API key as the password.

https://docs.esputnik.com/reference/getting-started-with-your-api ("enter any value as a username, enter
the API key value as a password").
A missing key and a wrong one are both 401 (`specs/common.md`, "Keys and workspaces"), with a Basic
challenge so HTTP clients that wait for one before sending credentials still work.
"""

from __future__ import annotations

import base64
import binascii

from rest_framework.request import Request

from apps.core.authentication import ApiKeyAuthentication


class EsputnikBasicAuthentication(ApiKeyAuthentication):
    missing_status = 401
    invalid_status = 401
    missing_message = "Authentication credentials were not provided (HTTP Basic, the API key as password)."
    invalid_message = "Invalid API key."
    www_authenticate = 'Basic realm="eSputnik"'

    def extract_key(self, request: Request) -> str | None:
        scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise self.invalid() from None
        _user, colon, password = decoded.partition(":")
        if not colon:
            raise self.invalid()
        return password or None
