"""Browser: find a contact by an attribute filter and open it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.attributes.services import attribute_definition_create
from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import contacts_ingest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture
def people(workspace):
    attribute_definition_create(
        workspace=workspace, codename="plan", label="Plan", type="choice", choices=["free", "pro"]
    )
    records = [
        ContactRecord(fields={"email": "ann@example.com", "first_name": "Ann"}, attributes={"plan": "pro"}),
        ContactRecord(fields={"email": "bob@example.com", "first_name": "Bob"}, attributes={"plan": "free"}),
        ContactRecord(fields={"email": "cy@example.com", "first_name": "Cy"}),
    ]
    contacts_ingest(workspace_id=workspace.id, records=records, source=IngestSource(name="api"))


def test_find_a_contact_by_an_attribute_filter_and_open_it(admin_page, people):
    page = admin_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    results = page.locator("#contact-results")
    expect(results).to_contain_text("Bob")

    page.locator("summary", has_text="Filters").click()
    page.locator("#id_attr").select_option("plan")
    page.get_by_label("Attribute value").fill("pro")
    page.get_by_role("button", name="Apply filters").click()

    expect(results.get_by_role("link", name="Ann")).to_be_visible()
    expect(results).not_to_contain_text("Bob")
    expect(results).not_to_contain_text("Cy")

    results.get_by_role("link", name="Ann").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann")
    expect(page.get_by_text("ann@example.com").first).to_be_visible()
    expect(page.get_by_text("pro", exact=True).first).to_be_visible()
