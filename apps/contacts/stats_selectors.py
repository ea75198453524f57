"""Counts for the workspace overview."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate

from apps.contacts.models import Contact, Customer


def contacts_count(*, workspace_id: int) -> int:
    return Contact.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True).count()


def customers_count(*, workspace_id: int) -> int:
    return Customer.objects.filter(workspace_id=workspace_id).count()


def contacts_added_per_day(*, workspace_id: int, since: dt.datetime) -> dict[dt.date, int]:
    """Contacts created per day (in the current time zone) from `since`, deleted ones included: the chart
    shows what arrived."""
    rows = (
        Contact.objects.filter(workspace_id=workspace_id, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return {row["day"]: row["n"] for row in rows}
