from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.attributes.services import builtin_attributes_provision
from apps.workspaces.models import ApiKey, ApiKeyScope, Membership, Workspace, new_signing_secret

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KEY_PREFIX_LENGTH = 8
KEY_MARKER = "ca"


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    key: str  # shown once, never stored


@transaction.atomic
def workspace_create(*, name: str, owner: User | None = None) -> Workspace:
    workspace = Workspace.objects.create(name=name.strip())
    builtin_attributes_provision(workspace=workspace)
    if owner is not None:
        Membership.objects.create(user=owner, workspace=workspace, role="admin")
    return workspace


def membership_set(*, workspace: Workspace, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    return membership


def api_key_create(
    *,
    workspace: Workspace,
    name: str,
    scope: str = ApiKeyScope.READ_WRITE,
    created_by: User | None = None,
) -> IssuedApiKey:
    """Create a key; the returned plain key is the only copy that will ever exist."""
    if scope not in ApiKeyScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    key = f"{KEY_MARKER}_{prefix}_{secrets.token_urlsafe(30)}"
    api_key = ApiKey.objects.create(
        workspace=workspace,
        name=name.strip() or "API key",
        prefix=prefix,
        digest=api_key_digest(key),
        scope=scope,
        created_by=created_by if created_by is not None and created_by.pk else None,
    )
    return IssuedApiKey(api_key=api_key, key=key)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(key: str) -> ApiKey | None:
    """The active key matching `key`, or None. One indexed query; the digest is compared in constant time."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_MARKER or len(parts[1]) != KEY_PREFIX_LENGTH:
        return None
    api_key = ApiKey.objects.select_related("workspace").filter(prefix=parts[1]).first()
    if api_key is None or not hmac.compare_digest(api_key.digest, api_key_digest(key)):
        return None
    if api_key.revoked_at is not None:
        return None
    api_key_touch(api_key=api_key)
    return api_key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use at a coarse resolution, so a busy key does not cost a write per request."""
    now = timezone.now()
    resolution = timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION_SECONDS)
    if api_key.last_used_at is not None and now - api_key.last_used_at < resolution:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


DEMO_WORKSPACE_NAME = "Demo workspace"
DEMO_ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoBootstrap:
    created: bool
    username: str
    workspace: Workspace | None
    password: str | None = None  # only when just created: shown once, never stored
    key: str | None = None


@transaction.atomic
def demo_bootstrap(*, username: str = DEMO_ADMIN_USERNAME) -> DemoBootstrap:
    """First run: a superuser, a demo workspace it administers, and an API key. Later runs change nothing."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        membership = Membership.objects.filter(user=user).select_related("workspace").order_by("pk").first()
        workspace = membership.workspace if membership is not None else None
        return DemoBootstrap(created=False, username=username, workspace=workspace)
    password = secrets.token_urlsafe(12)
    user = user_model.objects.create_superuser(username=username, email="", password=password)
    workspace = workspace_create(name=DEMO_WORKSPACE_NAME, owner=user)
    issued = api_key_create(workspace=workspace, name="Demo key", created_by=user)
    return DemoBootstrap(
        created=True, username=username, workspace=workspace, password=password, key=issued.key
    )


def workspace_signing_secret_rotate(*, workspace: Workspace) -> Workspace:
    """A new webhook signing secret; receivers must switch to it (webhooks sent from now on use it)."""
    workspace.webhook_signing_secret = new_signing_secret()
    workspace.save(update_fields=["webhook_signing_secret"])
    return workspace
