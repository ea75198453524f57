from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.imports.item_selectors import import_issues_between, import_items_between
from apps.imports.services import import_job_create, import_job_run
from tests.imports.conftest import payload


def _run(workspace, body: bytes):
    job = import_job_create(workspace_id=workspace.id, source="api", payload=body, received=0)
    import_job_run(job_id=job.pk, token="t")
    return job


def test_items_of_a_slice_in_order_with_their_contacts(workspace, test_dialect):
    job = _run(workspace, payload(5, missing=(3,)))

    items = import_items_between(job_id=job.pk, start=2, stop=4)

    assert [(i.item_index, i.outcome) for i in items] == [(2, "created"), (3, "skipped")]
    assert items[0].contact is not None and items[0].contact.email == "p2@example.com"
    assert items[1].contact is None


def test_a_slice_is_two_queries_with_tags_whatever_its_size(workspace, test_dialect):
    job = _run(workspace, payload(30))

    def queries(stop: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            for item in import_items_between(job_id=job.pk, start=0, stop=stop, with_tags=True):
                list(item.contact.tags.all())
        return len(ctx.captured_queries)

    assert queries(2) == queries(30) == 2


def test_issues_of_a_slice(workspace, test_dialect):
    job = _run(workspace, payload(6, missing=(1, 4)))

    assert [i.item_index for i in import_issues_between(job_id=job.pk, start=2, stop=6)] == [4]


def test_another_jobs_items_are_not_read(workspace, test_dialect):
    first = _run(workspace, payload(2))
    second = _run(workspace, payload(3))

    assert len(import_items_between(job_id=first.pk, start=0, stop=10)) == 2
    assert len(import_items_between(job_id=second.pk, start=0, stop=10)) == 3
