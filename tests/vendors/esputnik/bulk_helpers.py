"""Helpers of the eSputnik bulk tests: post a bulk, run its job as the worker would, read its status."""

from __future__ import annotations

from typing import Any

from apps.imports.models import ImportJob
from apps.imports.services import import_job_run
from tests.vendors.esputnik.helpers import BASE

BULK_URL = f"{BASE}/contacts"


def status_url(session_id: str) -> str:
    return f"{BASE}/importstatus/{session_id}"


def post_bulk(client, body: Any, **extra: Any):
    return client.post(BULK_URL, body, format="json", **extra)


def run_job(session_id: str) -> ImportJob:
    """Apply the job the way the Celery task does, and return it refreshed."""
    job = ImportJob.objects.get(public_id=session_id)
    import_job_run(job_id=job.pk, token=f"test-{job.pk}")
    job.refresh_from_db()
    return job


def bulk_and_run(client, body: Any, **extra: Any) -> dict[str, Any]:
    """Post the bulk, run its job, answer the job's importstatus body."""
    response = post_bulk(client, body, **extra)
    assert response.status_code == 200, response.json()
    session_id = response.json()["asyncSessionId"]
    run_job(session_id)
    status = client.get(status_url(session_id))
    assert status.status_code == 200
    return status.json()


def contact_item(email: str | None = None, **fields: Any) -> dict[str, Any]:
    """A small eSputnik contact object: an email channel plus the given top-level keys."""
    item: dict[str, Any] = {"channels": [{"type": "email", "value": email}] if email else []}
    item.update(fields)
    return item
