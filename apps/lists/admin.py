from __future__ import annotations

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin, ReadOnlyLargeTableAdmin
from apps.lists.models import ContactList, ListMembership


@admin.register(ContactList)
class ContactListAdmin(ReadOnlyAdmin):
    list_display = ["name", "public_id", "type", "workspace", "created_at", "deleted_at"]
    list_filter = ["type", ("deleted_at", admin.EmptyFieldListFilter), "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["^name", "=public_id"]
    raw_id_fields = ["workspace"]


@admin.register(ListMembership)
class ListMembershipAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["list", "contact", "status", "added_at", "changed_at", "source"]
    list_filter = ["status"]
    list_select_related = ["list", "contact"]
    search_fields = ["=list__public_id", "=contact__email", "=contact__public_id"]
    raw_id_fields = ["list", "contact"]
