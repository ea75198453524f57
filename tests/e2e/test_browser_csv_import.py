"""Browser: a CSV import through upload, mapping, dry run and real run, watching the progress bar, then
the report.

Jobs are normally run by a worker after commit (eagerly in tests); here the queueing is held back so the
pages are seen waiting and polling, then the test runs each job, as a worker would, and watches the page
pick the result up by itself."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from playwright.sync_api import expect

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.imports.models import ImportJob
from apps.imports.services import import_job_run

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

CSV = (
    "Email,First name,Plan,Score,Notes\n"
    "ann@example.com,Ann,pro,42,first\n"
    "bob@example.com,Bob,free,not a number,second\n"
    ",Nobody,pro,1,no email\n"
    "old@example.com,Oldie,pro,7,exists\n"
)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    return path


@pytest.fixture
def held_jobs():
    """Queue nothing: the test plays the worker."""
    with mock.patch("apps.imports.services.import_job_enqueue") as enqueue:
        yield enqueue


def run_latest_job(workspace) -> ImportJob:
    job = ImportJob.objects.filter(workspace=workspace).order_by("-id").first()
    import_job_run(job_id=job.pk, token=f"e2e-{job.pk}")
    return job


def test_csv_import_mapping_dry_run_real_run_and_report(admin_page, workspace, csv_file, held_jobs):
    page = admin_page
    attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free", "pro"])
    attribute_definition_create(workspace=workspace, codename="score", label="Score", type="number")
    Contact.objects.create(workspace=workspace, email="old@example.com", first_name="Old")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()

    # Mapping: detected by the header names; "Notes" is ignored unless chosen.
    expect(page.get_by_role("heading", level=1)).to_contain_text("people.csv")
    expect(page.get_by_text("4 rows · 5 columns")).to_be_visible()
    expect(page.get_by_label("Email", exact=True)).to_have_value("field:email")
    expect(page.get_by_label("First name", exact=True)).to_have_value("field:first_name")
    expect(page.get_by_label("Plan", exact=True)).to_have_value("attr:plan")
    expect(page.get_by_label("Score", exact=True)).to_have_value("attr:score")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("ignore")
    page.get_by_label("Notes", exact=True).select_option("field:company")
    expect(page.get_by_label("Match contacts by")).to_have_value("email")
    page.get_by_label("Create and update").check()
    page.get_by_role("button", name="Dry run", exact=True).click()

    # The dry run waits for a worker; the page polls, then shows what would happen.
    expect(page.locator("#progress")).to_have_attribute("data-status", "queued")
    expect(page.locator("#progress")).to_have_attribute("hx-trigger", "every 1s")
    run_latest_job(workspace)
    expect(page.locator("#progress")).to_have_attribute("data-status", "completed")
    expect(page.locator("#progress progress")).to_have_attribute("value", "100")
    expect(page.locator(".dry-run-banner")).to_contain_text("nothing was written")
    stats = page.get_by_label("Counts")
    expect(stats.locator(".stat", has_text="would be created")).to_contain_text("2")
    expect(stats.locator(".stat", has_text="would be updated")).to_contain_text("1")
    expect(stats.locator(".stat", has_text="would be skipped")).to_contain_text("1")
    expect(page.locator(".why-table")).to_contain_text("missing_match_key")
    assert not Contact.objects.filter(workspace=workspace, email="ann@example.com").exists()

    # The real run: queued, polled, finished.
    page.get_by_role("button", name="Run the import for real").click()
    expect(page.locator(".dry-run-banner")).to_have_count(0)
    expect(page.locator("#progress")).to_have_attribute("data-status", "queued")
    real = run_latest_job(workspace)
    expect(page.locator("#progress")).to_have_attribute("data-status", "completed")
    expect(page.locator("#progress progress")).to_have_attribute("value", "100")
    expect(page.locator("#progress .progress-percent")).to_have_text("100%")
    expect(page.get_by_label("Counts").locator(".stat", has_text="created")).to_contain_text("2")
    ann = Contact.objects.get(workspace=workspace, email="ann@example.com")
    assert (ann.first_name, ann.company, ann.attributes) == ("Ann", "first", {"plan": "pro", "score": 42})

    # The report: issues on the page, filterable, and as a CSV download.
    issues = page.locator("#issues")
    expect(issues).to_contain_text("missing_match_key")
    expect(issues).to_contain_text("invalid_value")
    page.get_by_label("Severity").select_option("warning")
    page.get_by_role("button", name="Filter").click()
    expect(issues).not_to_contain_text("missing_match_key")
    expect(issues).to_contain_text("Score (line 3)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download report (CSV)").click()
    report = Path(download.value.path()).read_text()
    assert report.splitlines()[0] == "item_index,identity,outcome,severity,field,code,message"
    assert "missing_match_key" in report and "invalid_value" in report

    # The history lists both jobs.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports", exact=True).click()
    expect(page.locator(f"#job-{real.public_id}")).to_contain_text("Completed")
    expect(page.locator("tr", has_text="dry run")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/imports/$"))
