"""Sign-in, the workspace switcher, role-aware navigation and the pages of users without a workspace."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.dashboard.access import SESSION_KEY
from apps.dashboard.navigation import NAV, NavEntry
from apps.workspaces.services import membership_set
from tests.dashboard.conftest import signed_in


def post_targets(html: str) -> set[str]:
    """The action of every POST form of a page ("" for a form posting to the page itself)."""
    forms = re.findall(r"<form\b[^>]*>", html)
    posting = [f for f in forms if 'method="post"' in f]
    return {(re.search(r'action="([^"]*)"', f) or [None, ""])[1] for f in posting}


PAGES = [
    "dashboard:overview",
    "dashboard:contacts",
    "dashboard:customers",
    "dashboard:lists",
    "dashboard:attributes",
    "dashboard:metrics",
]


@pytest.mark.parametrize("route", PAGES)
def test_pages_require_sign_in(client, db, route):
    response = client.get(reverse(route))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", PAGES)
def test_every_role_can_read_every_page(clients, route):
    for role, client in clients.items():
        assert client.get(reverse(route)).status_code == 200, role


def test_user_without_membership_sees_a_helpful_page(db):
    user = get_user_model().objects.create_user(username="lonely", password="x")
    response = signed_in(user).get(reverse("dashboard:contacts"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "not in a workspace yet" in html
    assert "Ask a workspace admin to add you" in html
    assert 'href="/contacts/"' not in html


def test_user_without_membership_cannot_post(db):
    user = get_user_model().objects.create_user(username="lonely", password="x")
    response = signed_in(user).post(reverse("dashboard:list_new"), {"name": "X"})
    assert response.status_code == 403


def test_switcher_lists_memberships_and_switches(admin_user, workspace, other_workspace):
    membership_set(workspace=other_workspace, user=admin_user, role="viewer")
    client = signed_in(admin_user)
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert workspace.name in page and other_workspace.name in page
    response = client.post(reverse("dashboard:workspace_switch"), {"workspace": other_workspace.public_id})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == other_workspace.id
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert f"<h1>{other_workspace.name}</h1>" in page
    # the role shown and enforced is the one of the current workspace
    assert client.get(reverse("dashboard:attribute_create")).status_code == 403


def test_switching_to_a_workspace_of_which_one_is_not_a_member_is_404(as_admin, other_workspace):
    response = as_admin.post(reverse("dashboard:workspace_switch"), {"workspace": other_workspace.public_id})
    assert response.status_code == 404


def test_a_stale_session_workspace_falls_back_to_a_membership(as_admin, workspace, other_workspace):
    session = as_admin.session
    session[SESSION_KEY] = other_workspace.id
    session.save()
    page = as_admin.get(reverse("dashboard:overview")).content.decode()
    assert f"<h1>{workspace.name}</h1>" in page
    assert as_admin.session[SESSION_KEY] == workspace.id


def test_nav_is_role_aware(as_viewer, as_admin):
    viewer_page = as_viewer.get(reverse("dashboard:overview")).content.decode()
    for label in ("Contacts", "Customers", "Lists", "Attributes", "Metrics", "API docs"):
        assert f">{label}" in viewer_page
    assert 'href="/api/v1/docs"' in viewer_page
    assert 'aria-current="page"' in viewer_page
    admin_only = [e for e in NAV if e.role == "admin"]
    for entry in admin_only:
        assert f">{entry.label}<" not in viewer_page


def test_nav_leaves_out_pages_whose_route_does_not_exist_yet(as_viewer, monkeypatch):
    from apps.dashboard import navigation

    monkeypatch.setattr(navigation, "NAV", (*NAV, NavEntry("Later", "dashboard:not_there_yet")))
    html = as_viewer.get(reverse("dashboard:overview")).content.decode()
    assert ">Later<" not in html and ">Contacts<" in html


def test_viewer_sees_no_edit_controls(as_viewer, definitions, make_contacts):
    contact = make_contacts(1)[0]
    pages = [
        reverse("dashboard:contacts"),
        reverse("dashboard:contact_detail", args=[contact.public_id]),
        reverse("dashboard:attributes"),
        reverse("dashboard:metrics"),
        reverse("dashboard:lists"),
    ]
    allowed = {reverse("logout"), reverse("dashboard:workspace_switch")}
    for url in pages:
        html = as_viewer.get(url).content.decode()
        assert post_targets(html) <= allowed, url
        for marker in ("Edit</a>", "New attribute", "New metric", "Create list", "Bulk action", "Erase"):
            assert marker not in html, (url, marker)


def test_forbidden_page_names_the_role_needed(as_viewer):
    response = as_viewer.get(reverse("dashboard:attribute_create"))
    assert response.status_code == 403
    assert "Editor" in response.content.decode() and "Viewer" in response.content.decode()
