from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.admin import ReadOnlyLargeTableAdmin
from apps.imports.models import CsvMappingPreset, ImportIssue, ImportItem, ImportJob, WebhookDelivery

URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}  # Django 6's default, without the warning


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyLargeTableAdmin):
    list_display = [
        "public_id",
        "workspace",
        "source",
        "kind",
        "status",
        "received",
        "processed",
        "created",
        "updated",
        "failed",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "source", "kind", "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["=public_id"]
    raw_id_fields = ["workspace", "created_by", "api_key"]
    formfield_overrides = URL_FIELDS
    exclude = ["payload"]  # the stored request body, up to tens of MB

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return super().get_queryset(request).defer("payload")


@admin.register(ImportIssue)
class ImportIssueAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["job", "item_index", "severity", "outcome", "field", "code", "short_message"]
    list_filter = ["severity"]
    list_select_related = ["job"]
    search_fields = ["=job__public_id", "=identity"]
    raw_id_fields = ["job"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportIssue]:
        return super().get_queryset(request).defer("job__payload")

    @admin.display(description="message")
    def short_message(self, issue: ImportIssue) -> str:
        return issue.message if len(issue.message) <= 100 else issue.message[:99] + "…"


@admin.register(ImportItem)
class ImportItemAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["job", "item_index", "outcome", "contact"]
    list_filter = ["outcome"]
    list_select_related = ["job", "contact"]
    search_fields = ["=job__public_id"]
    raw_id_fields = ["job", "contact"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportItem]:
        return super().get_queryset(request).defer("job__payload")


class DeliveryStatusFilter(admin.SimpleListFilter):
    # A fixed list: the default filter on a field without choices runs a DISTINCT over the whole table.
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(s, s.replace("_", " ")) for s in ("pending", "delivered", "refused", "given_up")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]
    ) -> QuerySet[WebhookDelivery]:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["job", "part", "parts", "url", "status", "next_attempt_at", "created_at"]
    list_filter = [DeliveryStatusFilter]
    formfield_overrides = URL_FIELDS
    list_select_related = ["job"]
    search_fields = ["=job__public_id"]
    raw_id_fields = ["job"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return super().get_queryset(request).defer("job__payload")


@admin.register(CsvMappingPreset)
class CsvMappingPresetAdmin(admin.ModelAdmin):
    list_display = ["workspace", "headers_signature", "match_key", "mode", "updated_at"]
    list_select_related = ["workspace"]
    search_fields = ["=headers_signature"]
    raw_id_fields = ["workspace"]
