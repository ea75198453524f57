"""Reads of import jobs for the overview.

The import pages (import history, CSV import) own `apps/imports`; these two reads move to
`apps/imports/selectors.py` once that module exists."""

from __future__ import annotations

import datetime as dt

from apps.imports.models import ImportJob, ImportStatus


def import_jobs_running(*, workspace_id: int, limit: int = 10) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(workspace_id=workspace_id, status=ImportStatus.RUNNING)
        .select_related("created_by", "api_key")
        .order_by("started_at", "id")[:limit]
    )


def import_jobs_failed_recently(*, workspace_id: int, since: dt.datetime, limit: int = 5) -> list[ImportJob]:
    """Jobs that failed, or finished with failed items, since `since`, newest first."""
    from django.db.models import Q

    return list(
        ImportJob.objects.filter(workspace_id=workspace_id, created_at__gte=since)
        .filter(Q(status=ImportStatus.FAILED) | Q(status=ImportStatus.COMPLETED, failed__gt=0))
        .select_related("created_by", "api_key")
        .order_by("-created_at", "-id")[:limit]
    )
