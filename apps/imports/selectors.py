from __future__ import annotations

from django.db.models import Count, QuerySet

from apps.imports.models import ImportIssue, ImportJob, WebhookDelivery


def import_job_get(*, workspace_id: int, public_id: str) -> ImportJob | None:
    return ImportJob.objects.filter(workspace_id=workspace_id, public_id=public_id).defer("payload").first()


def import_jobs(*, workspace_id: int) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(workspace_id=workspace_id).defer("payload").order_by("-created_at", "-id")


def import_issues(*, job: ImportJob) -> QuerySet[ImportIssue]:
    return ImportIssue.objects.filter(job=job).order_by("item_index", "id")


def import_jobs_with_people(*, workspace_id: int) -> QuerySet[ImportJob]:
    """The workspace's jobs, newest first, with who started them (user or API key) in the same query."""
    return import_jobs(workspace_id=workspace_id).select_related("created_by", "api_key")


def import_issues_filtered(
    *, job: ImportJob, outcome: str = "", severity: str = "", code: str = ""
) -> QuerySet[ImportIssue]:
    issues = import_issues(job=job)
    if outcome:
        issues = issues.filter(outcome=outcome)
    if severity:
        issues = issues.filter(severity=severity)
    if code:
        issues = issues.filter(code=code)
    return issues


def import_issue_summary(*, job: ImportJob) -> list[dict[str, object]]:
    """How many issues of each (outcome, severity, code) the job has: the "why" of skips and failures."""
    rows = (
        ImportIssue.objects.filter(job=job)
        .values("outcome", "severity", "code")
        .annotate(count=Count("id"))
        .order_by("-count", "code")
    )
    return list(rows)


def webhook_deliveries(*, job: ImportJob) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(job=job).order_by("part")
