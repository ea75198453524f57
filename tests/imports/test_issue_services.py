from __future__ import annotations

from apps.imports.issue_services import ItemIssue, import_issues_append
from apps.imports.models import ImportIssue
from apps.imports.services import import_job_create, import_job_run
from apps.ingest.records import Issue
from tests.imports.conftest import payload


def _job(workspace):
    job = import_job_create(
        workspace_id=workspace.id, source="api", payload=payload(3, missing=(2,)), received=0
    )
    import_job_run(job_id=job.pk, token="t")
    job.refresh_from_db()
    return job


def test_issues_are_added_with_the_items_outcome_and_counted(workspace, test_dialect):
    job = _job(workspace)
    warnings_before = job.warnings

    added = import_issues_append(
        job_id=job.pk,
        issues=[
            ItemIssue(0, "p0@example.com", Issue("contacts[0].ip", "invalid_ip", "Not an IP.", "warning")),
            ItemIssue(2, "", Issue("contacts[2].x", "odd", "Odd.", "warning")),
        ],
    )

    assert added == 2
    job.refresh_from_db()
    assert job.warnings == warnings_before + 2
    rows = ImportIssue.objects.filter(job=job, code__in=["invalid_ip", "odd"]).order_by("item_index")
    assert [(i.item_index, i.outcome, i.field, i.severity) for i in rows] == [
        (0, "created", "contacts[0].ip", "warning"),
        (2, "skipped", "contacts[2].x", "warning"),
    ]


def test_adding_the_same_issues_again_adds_nothing(workspace, test_dialect):
    job = _job(workspace)
    issues = [ItemIssue(1, "p1", Issue("contacts[1].ip", "invalid_ip", "Not an IP.", "warning"))] * 2

    assert import_issues_append(job_id=job.pk, issues=issues) == 1
    assert import_issues_append(job_id=job.pk, issues=issues) == 0
    job.refresh_from_db()
    assert ImportIssue.objects.filter(job=job, code="invalid_ip").count() == 1


def test_nothing_to_add(workspace, test_dialect):
    assert import_issues_append(job_id=_job(workspace).pk, issues=[]) == 0
