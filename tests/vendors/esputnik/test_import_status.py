"""`GET /v1/importstatus/{asyncSessionId}`: a bulk's status, counts and per-contact problems."""

from __future__ import annotations

import pytest

from apps.imports.models import ImportIssue, ImportJob
from apps.imports.services import import_job_create
from tests.vendors.esputnik.bulk_helpers import contact_item, post_bulk, run_job, status_url

pytestmark = pytest.mark.django_db


def _session(client, *items) -> str:
    response = post_bulk(client, {"contacts": list(items), "dedupeOn": "email"})
    assert response.status_code == 200
    return response.json()["asyncSessionId"]


def test_a_queued_bulk_is_started(client):
    session_id = _session(client, contact_item("a@example.com"), contact_item("b@example.com"))

    response = client.get(status_url(session_id))

    assert response.status_code == 200
    assert response.json() == {
        "asyncSessionId": session_id,
        "status": "STARTED",
        "total": 2,
        "processed": 0,
        "created": 0,
        "updated": 0,
        "skipped": 0,
        "errors": [],
    }


def test_a_running_bulk_is_importing(client):
    session_id = _session(client, contact_item("a@example.com"))
    ImportJob.objects.filter(public_id=session_id).update(status="running")

    assert client.get(status_url(session_id)).json()["status"] == "IMPORTING"


def test_a_finished_bulk_has_its_counts_and_errors(client):
    session_id = _session(
        client, contact_item("a@example.com"), contact_item("bad"), contact_item("c@example.com")
    )
    run_job(session_id)

    body = client.get(status_url(session_id)).json()

    assert (body["status"], body["total"], body["processed"]) == ("FINISHED", 3, 3)
    assert (body["created"], body["updated"], body["skipped"]) == (2, 0, 1)
    assert body["errors"] == [
        {
            "index": 1,
            "identity": "",
            "outcome": "skipped",
            "severity": "error",
            "field": "contacts[1].channels[0].value",
            "code": "invalid_email",
            "message": "'bad' is not a valid email address.",
        }
    ]


def test_a_bulk_sent_again_counts_its_contacts_as_updated(client):
    items = (contact_item("a@example.com", firstName="A"), contact_item("b@example.com"))
    run_job(_session(client, *items))
    session_id = _session(client, *items)
    run_job(session_id)

    body = client.get(status_url(session_id)).json()

    assert (body["created"], body["updated"], body["skipped"]) == (0, 2, 0)


def test_a_failed_bulk_is_an_error(client):
    session_id = _session(client, contact_item("a@example.com"))
    ImportJob.objects.filter(public_id=session_id).update(status="failed", error="RuntimeError: boom")

    body = client.get(status_url(session_id)).json()

    assert body["status"] == "ERROR"
    assert body["message"] == "The import stopped after 0 of 1 contacts; the rest were not applied."
    assert "boom" not in str(body)


def test_errors_are_listed_up_to_the_limit(client):
    session_id = _session(client, contact_item("a@example.com"))
    job = ImportJob.objects.get(public_id=session_id)
    ImportIssue.objects.bulk_create(
        ImportIssue(job=job, item_index=n, field=f"contacts[{n}]", code="x", message="m") for n in range(1001)
    )

    body = client.get(status_url(session_id)).json()

    assert len(body["errors"]) == 1000
    assert body["errorsTruncated"] is True


def test_an_unknown_session_is_a_404(client):
    response = client.get(status_url("0" * 24))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_workspaces_session_is_a_404(client, other_client):
    session_id = _session(other_client, contact_item("a@example.com"))

    assert client.get(status_url(session_id)).status_code == 404
    assert other_client.get(status_url(session_id)).status_code == 200


def test_another_dialects_import_is_not_an_esputnik_session(client, workspace):
    job = import_job_create(workspace_id=workspace.pk, source="customerscore", payload=b"{}", received=0)

    assert client.get(status_url(job.public_id)).status_code == 404


def test_a_read_only_key_may_read_the_status(client, read_only_client):
    session_id = _session(client, contact_item("a@example.com"))

    assert read_only_client.get(status_url(session_id)).status_code == 200


def test_no_key_is_a_401(client, api_client):
    session_id = _session(client, contact_item("a@example.com"))

    assert api_client.get(status_url(session_id)).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_a_405(client, method):
    session_id = _session(client, contact_item("a@example.com"))

    response = getattr(client, method)(status_url(session_id), {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert ImportJob.objects.get(public_id=session_id).status == "queued"


def test_the_path_with_a_trailing_slash_is_served(client):
    session_id = _session(client, contact_item("a@example.com"))

    assert client.get(status_url(session_id) + "/").status_code == 200


def test_the_status_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    session_id = _session(client, *(contact_item(f"bad{n}") for n in range(20)))
    run_job(session_id)

    with django_assert_max_num_queries(6):
        assert len(client.get(status_url(session_id)).json()["errors"]) == 20
