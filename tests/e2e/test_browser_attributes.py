"""Browser: create an attribute definition, then see it in the contacts filter and the contact edit form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.attributes.models import AttributeDefinition
from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import contacts_ingest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_create_an_attribute_definition_and_see_it_used(admin_page, workspace):
    page = admin_page
    report = contacts_ingest(
        workspace_id=workspace.id,
        records=[ContactRecord(fields={"email": "ann@example.com", "first_name": "Ann"})],
        source=IngestSource(name="api"),
    )
    contact_public_id = report.results[0].contact_public_id

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Attributes").click()
    page.goto("/attributes/new/")
    page.get_by_label("Codename").fill("loyalty_tier")
    page.get_by_label("Label").fill("Loyalty tier")
    page.get_by_label("Type").select_option("number")
    page.get_by_role("button", name="Create attribute").click()

    expect(page.get_by_text("loyalty_tier").first).to_be_visible()
    definition = AttributeDefinition.objects.get(workspace=workspace, codename="loyalty_tier")
    assert (definition.label, definition.type) == ("Loyalty tier", "number")

    # Used: offered by the contacts filter ...
    page.goto("/contacts/")
    page.locator("summary", has_text="Filters").click()
    attribute = page.locator("#id_attr")
    expect(attribute.locator("option", has_text="Loyalty tier")).to_have_count(1)

    # ... and editable on a contact, typed as a number.
    page.goto(f"/contacts/{contact_public_id}/edit/")
    page.get_by_label("Loyalty tier").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann")
    expect(page.get_by_text("Loyalty tier").first).to_be_visible()

    page.goto("/contacts/?attr=loyalty_tier&attr_value=3")
    expect(page.locator("#contact-results").get_by_role("link", name="Ann")).to_be_visible()
