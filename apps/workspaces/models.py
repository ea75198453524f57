from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.ids import random_hex


def new_workspace_public_id() -> str:
    # 24 hex characters: the shape PUSHTech uses for account ids, accepted by every other dialect too.
    return random_hex(24)


def new_signing_secret() -> str:
    return random_hex(64)


class Workspace(models.Model):
    public_id = models.CharField(max_length=24, unique=True, default=new_workspace_public_id, editable=False)
    name = models.CharField(max_length=200)
    webhook_signing_secret = models.CharField(max_length=64, default=new_signing_secret)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on every change to the workspace's attribute or metric definitions (apps.attributes.versions),
    # so each process can keep the definitions it has read until they change.
    definitions_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace.name} as {self.role}"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class ApiKeyScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiKey(models.Model):
    """An API key: the database keeps a lookup prefix and a SHA-256 digest, never the key itself."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=ApiKeyScope.choices, default=ApiKeyScope.READ_WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.READ_WRITE
