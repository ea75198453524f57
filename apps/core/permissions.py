from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from apps.workspaces.models import ApiKey


class HasApiKeyScope(BasePermission):
    """Any valid key may read; only a read-write key may write."""

    message = "This API key is read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False
        return request.method in SAFE_METHODS or api_key.can_write
