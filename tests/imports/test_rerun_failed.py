"""Re-running the failed items of a job: a new job with only those items, from the stored payload."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from apps.core.errors import ApplicationError
from apps.imports.models import ImportItem, ImportJob
from apps.imports.services import import_job_create, import_job_rerun_failed, import_job_run
from tests.imports.conftest import payload


def _finished(workspace, body: bytes) -> ImportJob:
    job = import_job_create(workspace_id=workspace.id, source="api", payload=body, received=0)
    import_job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    return job


def test_the_new_job_applies_only_the_skipped_items(workspace, admin_user, test_dialect):
    original = _finished(workspace, payload(6, missing=(1, 4)))

    rerun = import_job_rerun_failed(job=original, user_id=admin_user.pk)
    import_job_run(job_id=rerun.pk, token="t2")
    rerun.refresh_from_db()

    assert rerun.options["only_items"] == [1, 4] and rerun.options["rerun_of"] == original.public_id
    assert (rerun.received, rerun.processed, rerun.skipped, rerun.created) == (2, 2, 2, 0)
    assert rerun.created_by_id == admin_user.pk and rerun.webhook_url == ""
    assert list(ImportItem.objects.filter(job=rerun).values_list("item_index", "outcome")) == [
        (0, "skipped"),
        (1, "skipped"),
    ]


def test_a_rerun_of_a_rerun_points_into_the_original_payload(workspace, test_dialect):
    original = _finished(workspace, payload(6, missing=(2, 5)))
    first = import_job_rerun_failed(job=original, user_id=None)
    import_job_run(job_id=first.pk, token="t2")
    first.refresh_from_db()

    second = import_job_rerun_failed(job=first, user_id=None)

    assert second.options["only_items"] == [2, 5]


def test_items_that_failed_for_a_cause_since_fixed_now_succeed(workspace, test_dialect):
    original = _finished(workspace, payload(3))
    ImportItem.objects.filter(job=original, item_index=1).update(outcome="failed")  # as if it had failed
    Contact.objects.filter(email="p1@example.com").delete()

    rerun = import_job_rerun_failed(job=original, user_id=None)
    import_job_run(job_id=rerun.pk, token="t2")
    rerun.refresh_from_db()

    assert (rerun.received, rerun.created) == (1, 1)
    assert Contact.objects.filter(workspace=workspace, email="p1@example.com").exists()


def test_nothing_to_rerun_running_jobs_and_dry_runs_are_refused(workspace, test_dialect):
    clean = _finished(workspace, payload(2))
    with pytest.raises(ApplicationError, match="nothing to re-run"):
        import_job_rerun_failed(job=clean, user_id=None)

    queued = import_job_create(workspace_id=workspace.id, source="api", payload=payload(1), received=1)
    with pytest.raises(ApplicationError, match="still running"):
        import_job_rerun_failed(job=queued, user_id=None)

    ImportJob.objects.filter(pk=clean.pk).update(options={"dry_run": True})
    clean.refresh_from_db()
    with pytest.raises(ApplicationError, match="dry run"):
        import_job_rerun_failed(job=clean, user_id=None)
