from __future__ import annotations

from django.contrib import admin

from apps.contacts.models import (
    ChannelSubscription,
    ConsentRecord,
    Contact,
    ContactChange,
    ContactTag,
    Customer,
    Tag,
)
from apps.core.admin import ReadOnlyAdmin, ReadOnlyLargeTableAdmin

# Search uses exact (`=`) or prefix (`^`) lookups: a contains-search cannot use any index.


@admin.register(Customer)
class CustomerAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["name", "external_id", "owner_email", "workspace", "updated_at"]
    list_filter = ["workspace"]
    list_select_related = ["workspace"]
    search_fields = ["=external_id", "^name", "=owner_email"]
    raw_id_fields = ["workspace"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyLargeTableAdmin):
    list_display = [
        "public_id",
        "email",
        "external_id",
        "display_name",
        "phone",
        "status",
        "type",
        "workspace",
        "updated_at",
        "deleted_at",
    ]
    list_filter = ["status", "type", ("deleted_at", admin.EmptyFieldListFilter), "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["=public_id", "=external_id", "^email", "=phone"]
    raw_id_fields = ["workspace", "customer", "last_import", "last_api_key"]


@admin.register(ChannelSubscription)
class ChannelSubscriptionAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["contact", "channel", "address", "status", "changed_at", "source"]
    list_filter = ["channel", "status"]
    list_select_related = ["contact"]
    search_fields = ["=address", "=contact__email", "=contact__public_id"]
    raw_id_fields = ["contact"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ["name", "workspace"]
    list_filter = ["workspace"]
    list_select_related = ["workspace"]
    search_fields = ["^name"]
    raw_id_fields = ["workspace"]


@admin.register(ContactTag)
class ContactTagAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["contact", "tag", "added_at"]
    list_select_related = ["contact", "tag"]
    search_fields = ["=tag__name", "=contact__email", "=contact__public_id"]
    raw_id_fields = ["contact", "tag"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyLargeTableAdmin):
    """Consent is evidence: appended by the ingest pipeline, never edited."""

    list_display = ["contact", "kind", "granted", "at", "ip", "source", "recorded_at"]
    list_filter = ["kind", "granted"]
    list_select_related = ["contact"]
    search_fields = ["=contact__email", "=contact__public_id", "=ip"]
    raw_id_fields = ["contact", "import_job"]


@admin.register(ContactChange)
class ContactChangeAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["contact", "at", "action", "source", "api_key", "user"]
    list_select_related = ["contact", "api_key", "user"]
    search_fields = ["=contact__email", "=contact__public_id"]
    raw_id_fields = ["contact", "import_job", "api_key", "user"]
