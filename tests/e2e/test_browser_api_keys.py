"""Browser: create an API key (shown once, copied), use it, revoke it; reveal the signing secret."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.workspaces.models import ApiKey
from apps.workspaces.services import api_key_authenticate

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_create_copy_and_revoke_an_api_key(admin_page, workspace):
    page = admin_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()

    page.get_by_label("Name").fill("Shop sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create key").click()

    new_key = page.locator("#new-key")
    expect(new_key).to_be_visible()
    key = new_key.input_value()
    assert key.startswith("ca_") and api_key_authenticate(key).can_write
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key

    row = page.locator("tr", has_text="Shop sync")
    expect(row).to_contain_text("Read and write")
    expect(row).to_contain_text("active")

    page.goto("/api-keys/")  # the key is never shown again
    expect(page.locator("#new-key")).to_have_count(0)

    row.get_by_role("link", name="Revoke…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke “Shop sync”?")
    page.get_by_role("button", name="Revoke the key").click()

    expect(page.get_by_text("API key “Shop sync” revoked")).to_be_visible()
    expect(page.locator("tr", has_text="Shop sync")).to_contain_text("revoked")
    assert api_key_authenticate(key) is None
    assert ApiKey.objects.get(workspace=workspace, name="Shop sync").revoked_at is not None


def test_reveal_the_signing_secret_after_confirming(admin_page, workspace):
    page = admin_page
    page.goto("/api-keys/")
    expect(page.get_by_text(workspace.webhook_signing_secret)).to_have_count(0)

    page.get_by_role("link", name="Reveal…").click()
    page.get_by_role("button", name="Reveal the secret").click()

    expect(page.locator("#signing-secret")).to_have_value(workspace.webhook_signing_secret)
