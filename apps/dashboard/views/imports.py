"""Import history: every job of the workspace with live progress, a job's issues and report, its webhook
deliveries with "resend", and "re-run the failed items"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.forms.imports import IssueFilterForm
from apps.dashboard.keyset import SortKey, keyset_page
from apps.imports.csv_import import MATCH_KEYS, MODES
from apps.imports.models import ImportJob, ImportSource, ImportStatus
from apps.imports.report import csv_lines, import_report_rows
from apps.imports.selectors import (
    import_issue_summary,
    import_issues_filtered,
    import_job_get,
    import_jobs_with_people,
    webhook_deliveries,
)
from apps.imports.services import import_job_rerun_failed
from apps.imports.webhooks import webhook_delivery_resend
from apps.workspaces.models import Role

JOBS_PAGE_SIZE = 50
ISSUES_PAGE_SIZE = 100
POLL_SECONDS = 1


@dataclass(frozen=True)
class Progress:
    """What the progress bar shows: done/total, the percentage, the elapsed time and an ETA while running."""

    job: ImportJob
    percent: int
    elapsed: timedelta | None
    eta: timedelta | None

    @property
    def live(self) -> bool:
        return self.job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def elapsed_label(self) -> str:
        return duration_label(self.elapsed)

    @property
    def eta_label(self) -> str:
        return duration_label(self.eta)


def duration_label(value: timedelta | None) -> str:
    """ "850 ms", "12 s", "3 min 05 s", "2 h 07 min"; "" for no value."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))} ms"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def job_progress(job: ImportJob) -> Progress:
    total, done = job.received, job.processed
    finished = job.status == ImportStatus.COMPLETED
    percent = 100 if finished else (min(99, done * 100 // total) if total else 0)
    end = job.finished_at or timezone.now()
    elapsed = end - job.started_at if job.started_at else None
    eta = None
    if job.status == ImportStatus.RUNNING and elapsed and done and total > done:
        eta = timedelta(seconds=round(elapsed.total_seconds() * (total - done) / done))
    return Progress(job, percent, elapsed, eta)


def job_or_404(access: WorkspaceAccess, public_id: str) -> ImportJob:
    job = import_job_get(workspace_id=access.workspace_id, public_id=public_id)
    if job is None:
        raise Http404("No such import in this workspace.")
    return job


def _source_choices() -> list[tuple[str, str]]:
    return [("", "Any source"), *ImportSource.choices]


@workspace_view()
def imports(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    jobs = import_jobs_with_people(workspace_id=access.workspace_id)
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    if status in ImportStatus.values:
        jobs = jobs.filter(status=status)
    if source in ImportSource.values:
        jobs = jobs.filter(source=source)
    page = keyset_page(
        jobs,
        keys=[SortKey("created_at", True), SortKey("id", True)],
        cursor=request.GET.get("cursor"),
        size=JOBS_PAGE_SIZE,
    )
    context = {
        "page": page,
        "rows": [job_progress(job) for job in page.rows],
        "status": status,
        "source": source,
        "statuses": ImportStatus.choices,
        "sources": _source_choices(),
        "poll_seconds": POLL_SECONDS,
    }
    return render_page(request, access, "dashboard/imports/list.html", context)


@workspace_view()
def import_row(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    """One row of the history, polled while its job runs (the row stops polling once the job is done)."""
    job = job_or_404(access, public_id)
    context = {"row": job_progress(job), "poll_seconds": POLL_SECONDS}
    return render_page(request, access, "dashboard/imports/_row.html", context)


@workspace_view()
def import_progress(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    """The progress panel of a job page, polled every second while the job runs. When a polled job has
    finished, the page reloads once (HX-Refresh) to show its counts, issues and actions."""
    job = job_or_404(access, public_id)
    progress = job_progress(job)
    response = render_page(
        request,
        access,
        "dashboard/imports/_progress.html",
        {"progress": progress, "job": job, "poll_seconds": POLL_SECONDS},
    )
    if request.htmx and not progress.live:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@workspace_view()
def import_detail(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    job = job_or_404(access, public_id)
    filters = IssueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    issues = import_issues_filtered(
        job=job,
        outcome=chosen.get("outcome", ""),
        severity=chosen.get("severity", ""),
        code=chosen.get("code", ""),
    )
    page = keyset_page(
        issues,
        keys=[SortKey("item_index"), SortKey("id")],
        cursor=request.GET.get("cursor"),
        size=ISSUES_PAGE_SIZE,
    )
    rerun_of = job.options.get("rerun_of")
    options = job.options
    context = {
        "job": job,
        "progress": job_progress(job),
        "poll_seconds": POLL_SECONDS,
        "filters": filters,
        "filtering": any(chosen.values()),
        "page": page,
        "summary": import_issue_summary(job=job),
        "deliveries": list(webhook_deliveries(job=job)),
        "dry_run": bool(job.options.get("dry_run")),
        "mapping_rows": list(zip(options.get("headers", []), options.get("columns", []), strict=False)),
        "match_key_label": MATCH_KEYS.get(options.get("match_key", ""), ""),
        "mode_label": MODES.get(options.get("mode", ""), ""),
        "rerun_of": import_job_get(workspace_id=access.workspace_id, public_id=rerun_of)
        if rerun_of
        else None,
        "can_rerun": job.status in (ImportStatus.COMPLETED, ImportStatus.FAILED)
        and not job.options.get("dry_run")
        and (job.skipped or job.failed),
    }
    if request.htmx and request.htmx.target == "issues":  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/imports/_issues.html", context)
    return render_page(request, access, "dashboard/imports/detail.html", context)


@workspace_view()
def import_report(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> StreamingHttpResponse:
    job = job_or_404(access, public_id)
    response = StreamingHttpResponse(
        csv_lines(import_report_rows(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.public_id}-report.csv"'
    return response


@require_POST
@workspace_view(Role.EDITOR)
def import_rerun(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    job = job_or_404(access, public_id)
    try:
        rerun = import_job_rerun_failed(job=job, user_id=request.user.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:import_detail", public_id=job.public_id)
    messages.success(request, f"Re-running {rerun.received:,} item(s) of import {job.public_id}.")
    return redirect("dashboard:import_detail", public_id=rerun.public_id)


@require_POST
@workspace_view(Role.EDITOR)
def import_webhook_resend(
    request: HttpRequest, access: WorkspaceAccess, public_id: str, delivery_id: int
) -> HttpResponse:
    job = job_or_404(access, public_id)
    delivery = webhook_deliveries(job=job).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such webhook delivery for this import.")
    webhook_delivery_resend(delivery=delivery)
    messages.success(request, f"Webhook part {delivery.part} of {delivery.parts} queued to be sent again.")
    return redirect("dashboard:import_detail", public_id=job.public_id)
