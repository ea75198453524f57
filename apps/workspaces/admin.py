from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from apps.attributes.services import builtin_attributes_provision
from apps.workspaces.models import ApiKey, Membership, Workspace
from apps.workspaces.services import api_key_revoke


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "created_at"]
    search_fields = ["name", "=public_id"]
    fields = ["name", "public_id", "created_at"]  # the webhook signing secret stays out of view
    readonly_fields = ["public_id", "created_at"]

    def save_model(self, request: HttpRequest, obj: Workspace, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # What `workspace_create` does besides the insert: every workspace lists the built-in attributes.
            builtin_attributes_provision(workspace=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a tenant cascades over all its contacts; the confirmation page alone would list millions.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    list_select_related = ["user", "workspace"]
    search_fields = ["user__username", "user__email", "workspace__name", "=workspace__public_id"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by `manage.py create_api_key` or the dashboard, which show the key once; the database
    holds only its prefix and digest, so there is no add form here. Keys are revoked, not deleted."""

    list_display = ["name", "workspace", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter), "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["name", "=prefix", "workspace__name", "=workspace__public_id"]
    fields = [
        "name",
        "scope",
        "workspace",
        "prefix",
        "digest",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "workspace",
        "prefix",
        "digest",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True))
        for api_key in keys:
            api_key_revoke(api_key=api_key)
        self.message_user(request, f"Revoked {len(keys)} key(s).", messages.SUCCESS)
