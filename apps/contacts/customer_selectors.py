"""Reads for the customers (companies) pages."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.attributes.models import CustomerMetric
from apps.contacts.models import Contact, Customer


def customers_queryset(*, workspace_id: int, search: str = "") -> QuerySet[Customer]:
    """The workspace's customers with their number of live contacts (a correlated count, evaluated only for
    the rows of the page)."""
    live_contacts = (
        Contact.objects.filter(customer=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("customer")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = Customer.objects.filter(workspace_id=workspace_id).annotate(
        contact_count=Coalesce(Subquery(live_contacts, output_field=IntegerField()), 0)
    )
    search = search.strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(external_id=search) | Q(owner_email__icontains=search))
    return qs


def customer_contacts(*, workspace_id: int, customer_id: int, limit: int = 25) -> list[Contact]:
    """The customer's newest live contacts."""
    return list(
        Contact.objects.filter(
            workspace_id=workspace_id, customer_id=customer_id, deleted_at__isnull=True
        ).order_by("-created_at", "-id")[:limit]
    )


def customer_metric_rows(*, workspace_id: int, customer_id: int, limit: int = 366) -> list[CustomerMetric]:
    """The customer's latest `limit` metric dates, oldest first."""
    rows = list(
        CustomerMetric.objects.filter(customer_id=customer_id, customer__workspace_id=workspace_id).order_by(
            "-date"
        )[:limit]
    )
    rows.reverse()
    return rows
