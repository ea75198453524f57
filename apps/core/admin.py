"""Shared pieces of the Django admin pages: large-table defaults and a read-only base.

The admin is an inspection tool for operators. Domain rows are written only by the services and the ingest
pipeline (normalisation, history, provenance and consent rules live there), so their admin pages are
view-only; configuration rows (workspaces, memberships, key names) stay editable.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from apps.core.models import IdempotencyRecord

ESTIMATE_COUNT_ABOVE = 100_000


class LargeTablePaginator(Paginator):
    """A COUNT(*) over millions of rows costs a scan per page view. For an unfiltered list on PostgreSQL the
    planner's row estimate is used instead once the table is large; filtered lists are counted exactly."""

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if isinstance(object_list, QuerySet) and not object_list.query.where:
            connection = connections[object_list.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [object_list.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row is not None and row[0] > ESTIMATE_COUNT_ABOVE:
                    return int(row[0])
        return super().count


class LargeTableAdmin(admin.ModelAdmin):
    """Defaults for tables that grow to millions of rows: no second full count, estimated page count,
    newest first by primary key (an index every table has)."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    ordering = ["-pk"]


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyLargeTableAdmin(ReadOnlyAdminMixin, LargeTableAdmin):
    pass


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["key", "workspace", "status_code", "created_at"]
    list_filter = ["workspace"]
    list_select_related = ["workspace"]
    search_fields = ["=key"]
    raw_id_fields = ["workspace"]
    exclude = ["response_body"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdempotencyRecord]:
        return super().get_queryset(request).defer("response_body")
