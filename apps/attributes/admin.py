from __future__ import annotations

from django.contrib import admin

from apps.attributes.models import AttributeDefinition, ContactMetric, CustomerMetric, MetricDefinition
from apps.core.admin import ReadOnlyAdmin, ReadOnlyLargeTableAdmin


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["codename", "id", "label", "type", "builtin", "archived", "workspace"]
    list_filter = ["type", "builtin", "archived", "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["^codename", "^label"]
    raw_id_fields = ["workspace"]


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["codename", "label", "type", "archived", "workspace"]
    list_filter = ["type", "archived", "workspace"]
    list_select_related = ["workspace"]
    search_fields = ["^codename", "^label"]
    raw_id_fields = ["workspace"]


@admin.register(ContactMetric)
class ContactMetricAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["contact", "date"]
    list_select_related = ["contact"]
    search_fields = ["=contact__email", "=contact__public_id", "=contact__external_id"]
    raw_id_fields = ["contact"]


@admin.register(CustomerMetric)
class CustomerMetricAdmin(ReadOnlyLargeTableAdmin):
    list_display = ["customer", "date"]
    list_select_related = ["customer"]
    search_fields = ["=customer__external_id"]
    raw_id_fields = ["customer"]
