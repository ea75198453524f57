from __future__ import annotations

import csv
import io

import pytest

from apps.imports.models import ImportIssue, ImportJob
from apps.imports.report import csv_safe


@pytest.fixture
def job(workspace):
    job = ImportJob.objects.create(
        workspace=workspace,
        source="pushtech",
        status="completed",
        received=2,
        processed=2,
        created=1,
        skipped=1,
    )
    ImportIssue.objects.create(
        job=job,
        item_index=1,
        identity='=HYPERLINK("x")',
        outcome="skipped",
        field="contacts[1].email",
        code="required",
        message="email is required",
    )
    return job


def _auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key.key}"}


def test_import_detail_shows_status_counts_and_issues(api_client, job, api_key):
    response = api_client.get(f"/api/v1/imports/{job.public_id}", **_auth(api_key))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["counts"]["created"], body["counts"]["skipped"]) == (
        job.public_id,
        "completed",
        1,
        1,
    )
    assert body["issues"][0]["field"] == "contacts[1].email"


def test_import_of_another_workspace_is_not_found(api_client, job, other_key):
    response = api_client.get(f"/api/v1/imports/{job.public_id}", **_auth(other_key))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_import_report_is_csv_with_formula_cells_escaped(api_client, job, api_key):
    response = api_client.get(f"/api/v1/imports/{job.public_id}/report.csv", **_auth(api_key))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["item_index", "identity", "outcome", "severity", "field", "code", "message"]
    assert rows[1][1] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_safe_escapes_formula_starts(cell):
    assert csv_safe(cell) == "'" + cell


def test_csv_safe_keeps_ordinary_text():
    assert csv_safe("ann@example.com") == "ann@example.com"
    assert csv_safe(None) == ""
