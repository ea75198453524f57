"""Browser: signing in, and a wrong password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_sign_in_lands_on_the_workspace_overview(page, workspace, admin_user):
    page.goto("/contacts/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/contacts/"))

    sign_in(page, admin_user.username, "pw-" + admin_user.username)

    expect(page.get_by_role("heading", level=1)).to_have_text(workspace.name)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="API keys")).to_be_visible()
    expect(page.get_by_text(admin_user.username)).to_be_visible()


def test_a_wrong_password_is_refused(page, admin_user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
