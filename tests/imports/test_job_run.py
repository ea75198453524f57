from __future__ import annotations

import contextlib
from datetime import timedelta
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from apps.contacts.models import Contact
from apps.imports.models import ImportIssue, ImportItem, ImportJob
from apps.imports.services import import_job_create, import_job_run, import_jobs_sweep
from tests.imports.conftest import payload


def _job(workspace, body: bytes, **kwargs) -> ImportJob:
    return import_job_create(workspace_id=workspace.id, source="api", payload=body, received=0, **kwargs)


def test_job_is_stored_then_run_after_commit(workspace, test_dialect, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(workspace, payload(5))
    job.refresh_from_db()
    assert (job.status, job.received, job.processed, job.created) == ("completed", 5, 5, 5)
    assert Contact.objects.filter(workspace=workspace).count() == 5
    assert job.attempts == 1 and job.finished_at is not None


def test_rejected_items_are_reported_and_the_rest_applied(workspace, test_dialect):
    job = _job(workspace, payload(4, missing=(1,)))
    import_job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert (job.created, job.skipped) == (3, 1)
    issue = ImportIssue.objects.get(job=job)
    assert (issue.item_index, issue.field, issue.code, issue.outcome) == (
        1,
        "contacts[1].email",
        "required",
        "skipped",
    )
    assert list(ImportItem.objects.filter(job=job).values_list("item_index", "outcome")) == [
        (0, "created"),
        (1, "skipped"),
        (2, "created"),
        (3, "created"),
    ]


def test_running_a_finished_job_again_changes_and_counts_nothing(workspace, test_dialect):
    job = _job(workspace, payload(3))
    import_job_run(job_id=job.pk, token="t1")
    assert import_job_run(job_id=job.pk, token="t2") is None
    job.refresh_from_db()
    assert (job.created, job.updated, job.unchanged, job.processed, job.attempts) == (3, 0, 0, 3, 1)


@override_settings(INGEST_CHUNK_SIZE=2)
def test_a_redelivered_job_resumes_after_the_last_committed_chunk(workspace, test_dialect):
    job = _job(workspace, payload(5))
    real_record = __import__("apps.imports.services", fromlist=["_record_chunk"])._record_chunk
    calls = {"n": 0}

    def crash_on_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("worker killed")  # not an Exception: nothing handles it, like SIGKILL
        return real_record(*args, **kwargs)

    crash = mock.patch("apps.imports.services._record_chunk", crash_on_second_chunk)
    with crash, contextlib.suppress(KeyboardInterrupt):
        import_job_run(job_id=job.pk, token="task-1")
    job.refresh_from_db()
    assert (job.status, job.processed, job.created) == ("running", 2, 2)
    # The broker redelivers the same task id: it resumes at once, without waiting for the sweeper.
    import_job_run(job_id=job.pk, token="task-1")
    job.refresh_from_db()
    assert (job.status, job.processed, job.created, job.updated, job.unchanged) == ("completed", 5, 5, 0, 0)
    assert Contact.objects.filter(workspace=workspace).count() == 5
    assert ImportItem.objects.filter(job=job).count() == 5


def test_a_live_run_elsewhere_keeps_the_job(workspace, test_dialect):
    job = _job(workspace, payload(2))
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", claimed_by="other", heartbeat_at=timezone.now()
    )
    assert import_job_run(job_id=job.pk, token="mine") is None
    assert Contact.objects.count() == 0


def test_a_silent_run_is_taken_over(workspace, test_dialect):
    job = _job(workspace, payload(2))
    stale = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", claimed_by="dead", heartbeat_at=stale, attempts=1
    )
    import_job_run(job_id=job.pk, token="mine")
    job.refresh_from_db()
    assert (job.status, job.created, job.attempts) == ("completed", 2, 2)


def test_a_job_that_keeps_failing_ends_failed_with_the_reason(workspace, test_dialect, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    job = _job(workspace, payload(1), options={"explode": True})
    for attempt in range(2):
        with contextlib.suppress(RuntimeError):
            import_job_run(job_id=job.pk, token=f"t{attempt}")
        job.refresh_from_db()
        assert job.status == "queued" and "translator bug" in job.error
    assert import_job_run(job_id=job.pk, token="t3") is None
    job.refresh_from_db()
    assert job.status == "failed"
    assert "Gave up after 2 attempts" in job.error and "translator bug" in job.error


def test_an_unreachable_broker_does_not_fail_the_request(
    workspace, test_dialect, django_capture_on_commit_callbacks
):
    broker_down = mock.patch(
        "apps.imports.tasks.import_job_run_task.apply_async", side_effect=OSError("down")
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        job = _job(workspace, payload(1))
    job.refresh_from_db()
    assert job.status == "queued"


def test_the_sweeper_queues_forgotten_and_stalled_jobs(workspace, test_dialect):
    old = timezone.now() - timedelta(hours=1)
    forgotten = _job(workspace, payload(1))
    stalled = _job(workspace, payload(1))
    fresh = _job(workspace, payload(1))
    ImportJob.objects.filter(pk=forgotten.pk).update(created_at=old)
    ImportJob.objects.filter(pk=stalled.pk).update(status="running", claimed_by="dead", heartbeat_at=old)
    with mock.patch("apps.imports.services.import_job_enqueue", return_value=True) as enqueue:
        assert import_jobs_sweep() == 2
    assert sorted(c.kwargs["job_id"] for c in enqueue.call_args_list) == sorted([forgotten.pk, stalled.pk])
    assert fresh.pk not in [c.kwargs["job_id"] for c in enqueue.call_args_list]


def test_a_full_chunk_of_one_outcome_is_counted_in_one_update(workspace, test_dialect, settings):
    settings.INGEST_CHUNK_SIZE = 1000
    job = _job(workspace, payload(1500))
    import_job_run(job_id=job.pk, token="big")
    job.refresh_from_db()
    assert (job.status, job.created, job.processed) == ("completed", 1500, 1500)


def test_the_completion_hook_runs_with_the_finish_or_not_at_all(workspace, test_dialect):
    from dataclasses import replace

    from apps.imports import registry

    calls = []

    def hook(job):
        calls.append(job.status)
        if len(calls) == 1:
            raise RuntimeError("hook crashed")

    registry.bulk_dialect_register(replace(test_dialect, on_complete=hook))
    job = _job(workspace, payload(2))
    with contextlib.suppress(RuntimeError):
        import_job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    assert job.status == "queued"  # not completed without its hook
    import_job_run(job_id=job.pk, token="t2")
    job.refresh_from_db()
    assert (job.status, job.created, calls) == ("completed", 2, ["completed", "completed"])


def test_import_tasks_keep_no_results():
    """A job's state is its row; a kept result would make every publish subscribe to the result's channel."""
    from apps.imports import tasks

    for task in (
        tasks.import_job_run_task,
        tasks.import_jobs_sweep_task,
        tasks.webhook_delivery_send_task,
        tasks.webhook_deliveries_due_task,
    ):
        assert task.ignore_result is True, task.name
