"""`GET /v2/account/:account_id/contact/bulk/:bulk_id`: the bulk object, its status, counts and problems."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.imports.models import ImportJob
from apps.imports.services import import_job_create
from apps.vendors.pushtech import bulk_views
from tests.vendors.pushtech.bulk_helpers import contacts, post_bulk, run_job, status_url
from tests.vendors.pushtech.conftest import client_for

pytestmark = pytest.mark.django_db

MISSING_IDENTITY = "A contact needs a valid email, or a phone (phone, or phone_countrycode and phone_number)."


def bulk_of(client, workspace, body) -> str:
    response = post_bulk(client, workspace, body)
    assert response.status_code == 201, response.content
    return response.json()["bulk"]["_id"]


def status(client, workspace, bulk_id: str) -> dict:
    response = client.get(status_url(workspace.public_id, bulk_id))
    assert response.status_code == 200, response.content
    return response.json()["bulk"]


def test_a_queued_bulk(client, workspace):
    bulk_id = bulk_of(client, workspace, {"contacts": contacts(2), "contacts_webhook_extra_fields": ["city"]})

    assert status(client, workspace, bulk_id) == {
        "_id": bulk_id,
        "number_of_contacts": 2,
        "match_contact_user_id": False,
        "validate_emails": False,
        "contacts_webhook_extra_fields": ["city"],
        "webhook_url": None,
        "status": "queue",
        "processed": 0,
        "created": 0,
        "updated": 0,
        "skipped": 0,
        "failed": 0,
        "errors": [],
        "errors_truncated": False,
    }


def test_a_done_bulk_has_counts_and_per_contact_errors(client, workspace):
    body = {
        "match_contact_user_id": True,
        "contacts": [
            {"user_id": "a", "email": "a@x.io"},
            {"user_id": "a", "email": "a@x.io"},  # unchanged: counted as updated
            {"user_id": "b", "email": "b@x.io", "name_first": "B"},
            {"user_id": "b", "email": "b@x.io", "name_first": "C"},
            {"name_first": "nobody"},
            {"user_id": "d", "email": "d@x.io", "born_date": "2025-02-30"},
        ],
    }
    bulk_id = bulk_of(client, workspace, body)
    run_job(bulk_id)

    bulk = status(client, workspace, bulk_id)

    assert (bulk["status"], bulk["processed"]) == ("done", 6)
    assert (bulk["created"], bulk["updated"], bulk["skipped"], bulk["failed"]) == (2, 2, 2, 0)
    assert bulk["errors"] == [
        {
            "index": 4,
            "identity": "",
            "result": "skipped",
            "severity": "error",
            "field": "contacts[4]",
            "code": "missing_identity",
            "message": MISSING_IDENTITY,
        },
        {
            "index": 5,
            "identity": "d",
            "result": "skipped",
            "severity": "error",
            "field": "contacts[5].born_date",
            "code": "invalid_date",
            "message": "'2025-02-30' is not an ISO 8601 date (e.g. 1990-01-01T00:00:00Z)",
        },
    ]


@pytest.mark.parametrize(("job_status", "word"), [("running", "processing"), ("failed", "failed")])
def test_status_words(client, workspace, job_status, word):
    bulk_id = bulk_of(client, workspace, {"contacts": contacts(1)})
    ImportJob.objects.filter(public_id=bulk_id).update(status=job_status, error="Gave up after 5 attempts.")

    bulk = status(client, workspace, bulk_id)

    assert bulk["status"] == word
    assert ("error" in bulk) is (job_status == "failed")


def test_errors_are_cut_at_the_limit_and_say_so(client, workspace, monkeypatch):
    monkeypatch.setattr(bulk_views, "MAX_STATUS_ERRORS", 2)
    bulk_id = bulk_of(client, workspace, {"contacts": [{"name_first": str(i)} for i in range(3)]})
    run_job(bulk_id)

    bulk = status(client, workspace, bulk_id)

    assert [e["index"] for e in bulk["errors"]] == [0, 1]
    assert bulk["errors_truncated"] is True


def test_an_unknown_bulk_is_404(client, workspace):
    response = client.get(status_url(workspace.public_id, "0" * 24))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_workspaces_bulk_is_404(client, workspace, other_key, other_workspace):
    theirs = bulk_of(client_for(other_key.key), other_workspace, {"contacts": contacts(1)})

    assert client.get(status_url(workspace.public_id, theirs)).status_code == 404


def test_another_dialects_job_is_404(client, workspace):
    job = import_job_create(workspace_id=workspace.pk, source="customerscore", payload=b"{}", received=0)

    assert client.get(status_url(workspace.public_id, job.public_id)).status_code == 404


def test_another_workspaces_account_is_403(client, other_key, other_workspace):
    theirs = bulk_of(client_for(other_key.key), other_workspace, {"contacts": contacts(1)})

    response = client.get(status_url(other_workspace.public_id, theirs))

    assert response.status_code == 403
    assert "bulk" not in response.json()


def test_a_read_only_key_may_read(client, read_only_key, workspace):
    bulk_id = bulk_of(client, workspace, {"contacts": contacts(1)})

    assert status(client_for(read_only_key.key), workspace, bulk_id)["_id"] == bulk_id


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_405(client, workspace, method):
    bulk_id = bulk_of(client, workspace, {"contacts": contacts(1)})

    response = getattr(client, method)(status_url(workspace.public_id, bulk_id), {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_query_count_does_not_grow_with_the_bulk(client, workspace):
    small = bulk_of(client, workspace, {"contacts": [{"name_first": "x"}]})
    large = bulk_of(client, workspace, {"contacts": [{"name_first": str(i)} for i in range(50)]})
    run_job(small)
    run_job(large)
    status(client, workspace, small)  # the key's first use is recorded once

    def queries(bulk_id: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            status(client, workspace, bulk_id)
        return len(ctx.captured_queries)

    assert queries(small) == queries(large)
