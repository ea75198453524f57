from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.attributes.selectors import attribute_definitions, metric_definitions
from apps.contacts.stats_selectors import contacts_added_per_day, contacts_count, customers_count
from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.charts import daily_bar_chart
from apps.dashboard.selectors import import_jobs_failed_recently, import_jobs_running
from apps.lists.selectors import list_queryset

CHART_DAYS = 30


def _imports(access: WorkspaceAccess) -> dict[str, object]:
    now = timezone.now()
    return {
        "running": import_jobs_running(workspace_id=access.workspace_id),
        "failures": import_jobs_failed_recently(
            workspace_id=access.workspace_id, since=now - dt.timedelta(days=7)
        ),
    }


def _activity(access: WorkspaceAccess) -> dict[str, object]:
    """Counts and the contacts-per-day chart: two scans of the workspace's contacts, so the page loads them
    after it shows (htmx) rather than making every visit wait for them."""
    ws = access.workspace_id
    today = timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=CHART_DAYS - 1), dt.time.min))
    per_day = contacts_added_per_day(workspace_id=ws, since=since)
    custom_attributes = attribute_definitions(workspace_id=ws, include_archived=False).filter(builtin=False)
    return {
        "counts": {
            "contacts": contacts_count(workspace_id=ws),
            "customers": customers_count(workspace_id=ws),
            "lists": list_queryset(workspace_id=ws).count(),
            "attributes": custom_attributes.count(),
            "metrics": metric_definitions(workspace_id=ws, include_archived=False).count(),
        },
        "chart": daily_bar_chart(per_day, end=today, days=CHART_DAYS, title="Contacts added per day"),
        "added_total": sum(per_day.values()),
    }


@workspace_view()
def overview(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    htmx = request.htmx  # type: ignore[attr-defined]
    if htmx and htmx.target == "imports":
        return render_page(request, access, "dashboard/overview/_imports.html", _imports(access))
    with_activity = request.GET.get("part") == "activity"
    if htmx and with_activity:
        return render_page(request, access, "dashboard/overview/_activity.html", _activity(access))
    context = {**_imports(access), **(_activity(access) if with_activity else {})}
    return render_page(request, access, "dashboard/overview/index.html", context)
