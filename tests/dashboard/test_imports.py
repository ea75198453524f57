"""Import history and job pages: roles, workspaces, live progress, issues, report, re-run, webhook resend."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.dashboard.views.imports import duration_label, job_progress
from apps.imports.models import ImportIssue, ImportItem, ImportJob, WebhookDelivery
from apps.workspaces.services import api_key_create
from tests.dashboard.conftest import signed_in

SCRIPT = "<script>alert(1)</script>"


def make_job(workspace, **fields) -> ImportJob:
    defaults = {"source": "api", "payload": b'{"contacts": []}', "status": "completed", "received": 3}
    return ImportJob.objects.create(workspace=workspace, **{**defaults, **fields})


@pytest.fixture
def job(workspace, admin_user) -> ImportJob:
    now = timezone.now()
    job = make_job(
        workspace,
        created_by=admin_user,
        processed=3,
        created=1,
        skipped=1,
        failed=1,
        started_at=now - dt.timedelta(seconds=75),
        finished_at=now,
    )
    ImportIssue.objects.create(
        job=job, item_index=1, identity=SCRIPT, outcome="skipped", code="no_identity", message=SCRIPT
    )
    ImportIssue.objects.create(
        job=job,
        item_index=2,
        identity="=HYPERLINK(1)",
        outcome="failed",
        code="identity_conflict",
        field="email",
        message="conflicts",
    )
    ImportIssue.objects.create(
        job=job, item_index=2, outcome="failed", severity="warning", code="invalid_value", message="dropped"
    )
    return job


def detail(job: ImportJob) -> str:
    return reverse("dashboard:import_detail", args=[job.public_id])


def test_history_lists_the_workspace_jobs_with_who_started_them(as_viewer, workspace, other_workspace, job):
    key = api_key_create(workspace=workspace, name="Shop sync").api_key
    by_key = make_job(workspace, source="pushtech", api_key=key, status="running", processed=1)
    elsewhere = make_job(other_workspace)

    html = as_viewer.get(reverse("dashboard:imports")).content.decode()

    assert job.public_id in html and by_key.public_id in html and elsewhere.public_id not in html
    assert "alice-admin" in html and "Shop sync" in html and "PUSHTech" in html
    assert "1 min 15 s" in html  # duration


def test_history_filters_by_status_and_source(as_viewer, workspace, job):
    running = make_job(workspace, source="csv", status="running")

    html = as_viewer.get(reverse("dashboard:imports"), {"status": "running"}).content.decode()
    assert running.public_id in html and job.public_id not in html
    html = as_viewer.get(reverse("dashboard:imports"), {"source": "api"}).content.decode()
    assert running.public_id not in html and job.public_id in html


def test_running_rows_poll_every_second_and_finished_rows_do_not(as_viewer, workspace, job):
    running = make_job(workspace, status="running", received=10, processed=4)

    html = as_viewer.get(reverse("dashboard:imports")).content.decode()
    row_url = reverse("dashboard:import_row", args=[running.public_id])
    assert f'hx-get="{row_url}" hx-trigger="every 1s"' in html
    assert reverse("dashboard:import_row", args=[job.public_id]) not in html

    ImportJob.objects.filter(pk=running.pk).update(status="completed", processed=10)
    row = as_viewer.get(row_url, HTTP_HX_REQUEST="true").content.decode()
    assert row.startswith(f'<tr id="job-{running.public_id}">') and "hx-trigger" not in row


def test_progress_polls_while_running_and_reloads_the_page_once_finished(as_viewer, workspace):
    running = make_job(
        workspace,
        status="running",
        received=200,
        processed=50,
        started_at=timezone.now() - dt.timedelta(seconds=10),
    )
    url = reverse("dashboard:import_progress", args=[running.public_id])

    response = as_viewer.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html
    assert "About 30 s left" in html and "HX-Refresh" not in response.headers

    ImportJob.objects.filter(pk=running.pk).update(status="completed", processed=200)
    response = as_viewer.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "hx-trigger" not in response.content.decode()
    assert 'value="100"' in response.content.decode()


def test_progress_and_eta_are_computed_from_the_counts():
    started = timezone.now() - dt.timedelta(seconds=20)
    progress = job_progress(ImportJob(status="running", received=100, processed=40, started_at=started))

    assert progress.percent == 40 and progress.live
    assert 29 <= progress.eta.total_seconds() <= 31
    assert job_progress(ImportJob(status="queued", received=0)).percent == 0
    assert [duration_label(dt.timedelta(seconds=s)) for s in (0.25, 12, 185, 7400)] == [
        "250 ms",
        "12 s",
        "3 min 05 s",
        "2 h 03 min",
    ]


def test_detail_shows_counts_issues_and_why_with_stored_text_escaped(as_viewer, job):
    html = as_viewer.get(detail(job)).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "identity_conflict" in html and "no_identity" in html
    assert 'value="100"' in html and "Took 1 min 15 s" in html
    assert "hx-trigger" not in html  # finished: no polling


def test_issues_filter_by_outcome_severity_and_code(as_viewer, job):
    def codes(**params) -> list[str]:
        response = as_viewer.get(detail(job), params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="issues")
        html = response.content.decode()
        assert html.startswith('<div id="issues">')
        return [
            c for c in ("no_identity", "identity_conflict", "invalid_value") if f"<code>{c}</code>" in html
        ]

    assert codes() == ["no_identity", "identity_conflict", "invalid_value"]
    assert codes(outcome="failed") == ["identity_conflict", "invalid_value"]
    assert codes(severity="warning") == ["invalid_value"]
    assert codes(code="no_identity") == ["no_identity"]
    assert codes(outcome="bogus") == ["no_identity", "identity_conflict", "invalid_value"]


def issues_part(html: str) -> str:
    return html.split('<div id="issues">', 1)[1]


def test_issues_are_paginated(as_viewer, job):
    with mock.patch("apps.dashboard.views.imports.ISSUES_PAGE_SIZE", 2):
        first = issues_part(as_viewer.get(detail(job)).content.decode())
        assert "<code>invalid_value</code>" not in first and 'rel="next"' in first
        cursor = first.split('rel="next" href="?cursor=')[1].split('"')[0]
        second = issues_part(as_viewer.get(detail(job), {"cursor": cursor}).content.decode())
    assert "<code>invalid_value</code>" in second and "<code>no_identity</code>" not in second


def test_report_downloads_as_csv_with_formula_cells_escaped(as_viewer, job):
    response = as_viewer.get(reverse("dashboard:import_report", args=[job.public_id]))
    body = b"".join(response.streaming_content).decode()

    assert response["Content-Type"].startswith("text/csv")
    assert f"import-{job.public_id}-report.csv" in response["Content-Disposition"]
    lines = body.splitlines()
    assert lines[0] == "item_index,identity,outcome,severity,field,code,message"
    assert len(lines) == 4 and "'=HYPERLINK(1)" in body


@pytest.mark.parametrize(
    "route",
    ["import_detail", "import_progress", "import_row", "import_report", "import_rerun", "import_confirm"],
)
def test_another_workspace_job_is_not_found(as_admin, other_workspace, route):
    other = make_job(other_workspace)
    url = reverse(f"dashboard:{route}", args=[other.public_id])

    response = as_admin.post(url) if route in ("import_rerun", "import_confirm") else as_admin.get(url)

    assert response.status_code == 404


def test_viewer_sees_no_edit_controls_and_gets_403_on_edit_urls(as_viewer, as_editor, job):
    delivery = WebhookDelivery.objects.create(job=job, url="https://example.com/hook", status="given_up")
    resend = reverse("dashboard:import_webhook_resend", args=[job.public_id, delivery.pk])
    rerun = reverse("dashboard:import_rerun", args=[job.public_id])

    viewer_html = as_viewer.get(detail(job)).content.decode()
    assert rerun not in viewer_html and resend not in viewer_html and "Resend" not in viewer_html
    assert as_viewer.post(rerun).status_code == 403
    assert as_viewer.post(resend).status_code == 403

    editor_html = as_editor.get(detail(job)).content.decode()
    assert rerun in editor_html and resend in editor_html


def test_resend_queues_the_delivery_again_and_keeps_its_log(as_editor, job):
    attempts = [{"at": "2025-01-01T00:00:00", "status_code": 500, "error": SCRIPT, "duration_ms": 12}]
    delivery = WebhookDelivery.objects.create(
        job=job, url="https://example.com/hook", status="given_up", attempts=attempts
    )
    html = as_editor.get(detail(job)).content.decode()
    assert "HTTP 500" in html and SCRIPT not in html

    url = reverse("dashboard:import_webhook_resend", args=[job.public_id, delivery.pk])
    with mock.patch("apps.imports.webhooks.webhook_delivery_enqueue") as enqueue:
        response = as_editor.post(url)

    assert response.status_code == 302 and response["Location"] == detail(job)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == attempts
    enqueue.assert_not_called()  # after commit; the test transaction never commits


def test_resend_of_a_delivery_of_another_job_is_not_found(as_editor, workspace, job):
    other_job = make_job(workspace)
    delivery = WebhookDelivery.objects.create(job=other_job, url="https://example.com/hook")

    url = reverse("dashboard:import_webhook_resend", args=[job.public_id, delivery.pk])
    assert as_editor.post(url).status_code == 404


def test_rerun_starts_a_job_with_the_failed_items(as_editor, workspace, django_capture_on_commit_callbacks):
    from apps.imports import registry
    from apps.imports.registry import BulkDialect, BulkPlan
    from apps.ingest.records import ContactRecord

    def plan(payload, options):
        return BulkPlan(items=[ContactRecord(fields={"email": e}) for e in payload["emails"]])

    saved = dict(registry._DIALECTS)
    registry.bulk_dialect_register(BulkDialect(source="api", plan=plan, record_items=True))
    try:
        original = make_job(workspace, payload=b'{"emails": ["a@x.test", "b@x.test", "c@x.test"]}')
        ImportItem.objects.bulk_create(
            [
                ImportItem(job=original, item_index=i, outcome=o)
                for i, o in enumerate(["created", "failed", "created"])
            ]
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = as_editor.post(reverse("dashboard:import_rerun", args=[original.public_id]))
    finally:
        registry._DIALECTS.clear()
        registry._DIALECTS.update(saved)

    rerun = ImportJob.objects.exclude(pk=original.pk).get(workspace=workspace)
    assert response["Location"] == detail(rerun)
    assert rerun.options["only_items"] == [1] and (rerun.status, rerun.created) == ("completed", 1)
    html = as_editor.get(detail(rerun)).content.decode()
    assert "re-run of" in html and original.public_id in html


def test_rerun_refusal_is_shown_not_raised(as_editor, job):
    ImportJob.objects.filter(pk=job.pk).update(status="running")

    response = as_editor.post(reverse("dashboard:import_rerun", args=[job.public_id]), follow=True)

    assert response.status_code == 200 and "still running" in response.content.decode()


def test_csrf_is_enforced_on_rerun_and_resend(editor_user, job):
    client = signed_in(editor_user, csrf=True)
    delivery = WebhookDelivery.objects.create(job=job, url="https://example.com/hook")

    assert client.post(reverse("dashboard:import_rerun", args=[job.public_id])).status_code == 403
    url = reverse("dashboard:import_webhook_resend", args=[job.public_id, delivery.pk])
    assert client.post(url).status_code == 403


def test_history_and_detail_run_a_fixed_number_of_queries(as_viewer, workspace, job, admin_user):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_viewer.get(url).status_code == 200
        return len(queries)

    count(reverse("dashboard:imports"))  # the first request of a session also stores its workspace
    few = count(reverse("dashboard:imports"))
    for n in range(10):
        key = api_key_create(workspace=workspace, name=f"k{n}").api_key
        make_job(workspace, api_key=key, status="running")
        make_job(workspace, created_by=admin_user)
    assert count(reverse("dashboard:imports")) == few

    few = count(detail(job))
    for n in range(30):
        ImportIssue.objects.create(job=job, item_index=10 + n, outcome="skipped", code="x", message="m")
    assert count(detail(job)) == few
