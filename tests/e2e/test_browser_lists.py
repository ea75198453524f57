"""Browser: create a list and add 3 contacts to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import contacts_ingest
from apps.lists.models import ContactList, ListMembership

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_create_a_list_and_add_three_contacts(admin_page, workspace):
    page = admin_page
    emails = ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com"]
    contacts_ingest(
        workspace_id=workspace.id,
        records=[ContactRecord(fields={"email": e}) for e in emails],
        source=IngestSource(name="api"),
    )

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists").click()
    page.get_by_label("New list").fill("Newsletter")
    page.get_by_role("button", name="Create list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter")

    # Two by search ...
    page.get_by_label("Find contacts by email, name, external id or phone").fill("ann@")
    page.locator("#candidates").get_by_label("ann@example.com").check()
    page.locator("#candidates").get_by_role("button", name="Add selected").click()
    expect(page.locator("#members")).to_contain_text("ann@example.com")

    # ... and two more by pasting (one of them already a member).
    page.locator("summary", has_text="Paste emails or external ids").click()
    page.get_by_label("Paste emails or external ids").fill("bob@example.com\ncy@example.com, ann@example.com")
    page.get_by_role("button", name="Add to list").click()

    members = page.locator("#members")
    for email in emails[:3]:
        expect(members).to_contain_text(email)
    expect(members).not_to_contain_text("dee@example.com")
    expect(page.get_by_label("Members by status").locator(".stat").first).to_contain_text("3")
    contact_list = ContactList.objects.get(workspace=workspace, name="Newsletter")
    assert ListMembership.objects.filter(list=contact_list).count() == 3
