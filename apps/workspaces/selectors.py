from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.workspaces.models import ApiKey, Membership, Workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def workspace_get_by_public_id(public_id: str) -> Workspace | None:
    return Workspace.objects.filter(public_id=public_id).first()


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def api_key_list(*, workspace: Workspace) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(workspace=workspace).order_by("-created_at")
