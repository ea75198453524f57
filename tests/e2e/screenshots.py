"""Screenshots for the README: a seeded workspace served by the live server, captured by Chromium.

    .venv/bin/pytest -m slow tests/e2e/screenshots.py

writes docs/screenshots/{overview,contacts,contact-detail,attributes,import-detail}.png (1360 px wide).
The file is not named test_*.py, so the suite does not run it unless asked.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from apps.attributes.services import attribute_definition_create, metric_definition_create
from apps.contacts.models import Contact
from apps.imports.csv_files import csv_upload_store
from apps.imports.csv_import import CsvMapping, csv_import_start
from apps.imports.models import ImportJob
from apps.imports.services import import_job_run
from apps.ingest.customers import CustomerRecord, customers_ingest
from apps.ingest.records import ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.services import list_create
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FIRST = [
    "Ann",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Keiko",
    "Lars",
]
LAST = ["Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jansen", "Kowalski"]
CITIES = ["Lisbon", "Berlin", "Lyon", "Oslo", "Madrid", "Vienna", "Utrecht"]
CSV = "\n".join(
    ["email,first_name,last_name,plan,lifetime_value,newsletter"]
    + [f"new{n}@example.com,Maya{n},Lind,pro,{100 + n},yes" for n in range(40)]
    + ["not-an-email,Broken,Row,pro,12,yes", ",Nobody,Here,free,3,no", "zed@example.com,Zed,Ox,gold,9,yes"]
)


def seed(workspace, admin_user) -> str:
    """A believable workspace; returns the public id of the contact to show in detail."""
    rng = random.Random(7)
    attribute_definition_create(
        workspace=workspace,
        codename="plan",
        label="Plan",
        type="choice",
        choices=["free", "pro", "enterprise"],
        description="Billing plan",
    )
    attribute_definition_create(
        workspace=workspace,
        codename="lifetime_value",
        label="Lifetime value",
        type="number",
        description="Total paid, EUR",
    )
    attribute_definition_create(workspace=workspace, codename="vip", label="VIP", type="boolean")
    attribute_definition_create(workspace=workspace, codename="signup_source", label="Signup source")
    metric_definition_create(workspace=workspace, codename="orders", label="Orders", type="number")
    metric_definition_create(workspace=workspace, codename="revenue", label="Revenue", type="number")
    customers_ingest(
        workspace_id=workspace.id,
        records=[
            CustomerRecord(external_id=f"C-{n}", name=name)
            for n, name in enumerate(["Northwind", "Globex", "Initech", "Umbrella Retail"])
        ],
    )
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter", description="Monthly news")
    list_create(workspace_id=workspace.id, name="Beta testers", description="")
    today = dt.date.today()
    records = []
    for n in range(60):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        metrics = {
            (today - dt.timedelta(days=7 * w)).isoformat(): {
                "orders": rng.randint(0, 6),
                "revenue": rng.randint(0, 900),
            }
            for w in range(8)
        }
        records.append(
            ContactRecord(
                fields={
                    "email": f"{first}.{last}{n}@example.com".lower(),
                    "external_id": f"crm-{1000 + n}",
                    "first_name": first,
                    "last_name": last,
                    "city": CITIES[n % len(CITIES)],
                    "country": "PT" if n % 3 == 0 else "DE",
                    "phone": f"+3519120{n:05d}",
                    "language": "en",
                },
                attributes={
                    "plan": ["free", "pro", "enterprise"][n % 3],
                    "lifetime_value": rng.randint(20, 4000),
                    "vip": n % 5 == 0,
                    "signup_source": ["shop", "webinar", "referral"][n % 3],
                },
                metrics=metrics,
                customer_external_id=f"C-{n % 4}",
                lists_add=[ListRef(public_id=newsletter.public_id)] if n % 2 == 0 else [],
                tags_add=["customer"] + (["vip"] if n % 5 == 0 else []),
            )
        )
    report = contacts_ingest(workspace_id=workspace.id, records=records, source=IngestSource(name="api"))
    upload = csv_upload_store(
        workspace_public_id=workspace.public_id,
        upload=SimpleUploadedFile("spring-campaign.csv", CSV.encode()),
        user_id=admin_user.pk,
    )
    mapping = CsvMapping(
        [
            "field:email",
            "field:first_name",
            "field:last_name",
            "attr:plan",
            "attr:lifetime_value",
            f"list:{newsletter.public_id}",
        ],
        "email",
        "upsert",
    )
    job = csv_import_start(
        workspace_id=workspace.id, upload=upload, mapping=mapping, dry_run=False, user_id=admin_user.pk
    )
    import_job_run(job_id=job.pk, token="seed")
    # Spread the sign-ups over the last month for the overview's chart (a seed, not a product write path).
    now = timezone.now()
    for pk in Contact.objects.filter(workspace=workspace).order_by("id").values_list("pk", flat=True):
        days, minutes = int(rng.triangular(0, 30, 2)), rng.randint(0, 1439)
        created = now - dt.timedelta(days=days, minutes=minutes)
        Contact.objects.filter(pk=pk).update(created_at=created, updated_at=created)
    # One import "running now" for the overview.
    ImportJob.objects.create(
        workspace=workspace,
        source="pushtech",
        status="running",
        received=20000,
        processed=12400,
        started_at=timezone.now() - dt.timedelta(seconds=48),
        heartbeat_at=timezone.now(),
    )
    return report.results[0].contact_public_id or ""


def test_capture_readme_screenshots(page, workspace, admin_user, monkeypatch):
    monkeypatch.setattr("apps.imports.services.import_job_enqueue", lambda **kwargs: True)
    contact_id = seed(workspace, admin_user)
    job = ImportJob.objects.filter(workspace=workspace, source="csv").get()
    OUT.mkdir(parents=True, exist_ok=True)
    sign_in(page, admin_user.username, "pw-" + admin_user.username)

    def shot(url: str, name: str, ready: str) -> None:
        page.goto(url)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)

    shot("/", "overview", "svg")
    shot("/contacts/", "contacts", "#contact-results table")
    shot(f"/contacts/{contact_id}/", "contact-detail", "h1")
    shot("/attributes/", "attributes", "table")
    shot(f"/imports/{job.public_id}/", "import-detail", "#issues table")
    assert all(
        (OUT / f"{n}.png").stat().st_size > 10_000
        for n in ("overview", "contacts", "contact-detail", "attributes", "import-detail")
    )
