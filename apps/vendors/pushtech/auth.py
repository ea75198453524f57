"""PUSHTech / Cendyn CRM authentication (developers.pushtech.com, "authentication"):
`Authorization: Token token=<key>`, Rails' token format. The vendor's own key is the account secret; here it
is a hub API key, and the path's `:account_id` must be the key's workspace (checked by the base view).

Missing or wrong key: 401 (`specs/common.md`, "Keys and workspaces").
"""

from __future__ import annotations

import re

from rest_framework.request import Request

from apps.core.authentication import ApiKeyAuthentication

# `token=<key>` or `token="<key>"`, optionally followed by `, name=value` options (Rails allows both).
_TOKEN_RE = re.compile(r'^token\s*=\s*"?(?P<key>[^",\s]+)"?', re.IGNORECASE)


class PushtechTokenAuthentication(ApiKeyAuthentication):
    missing_status = 401
    invalid_status = 401
    missing_message = "Authentication required: send 'Authorization: Token token=<key>'."
    invalid_message = "Invalid API key."
    www_authenticate = 'Token realm="Application"'

    def extract_key(self, request: Request) -> str | None:
        scheme, _, rest = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "token" or not rest.strip():
            return None
        match = _TOKEN_RE.match(rest.strip())
        # A bare `Token <key>` is read too: some HTTP libraries write token auth that way.
        return match.group("key") if match else rest.strip()
