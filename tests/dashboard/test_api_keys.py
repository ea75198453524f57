"""API keys and the webhook signing secret: admins only, the key shown once, revoke, reveal and rotate."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.workspaces.models import ApiKey, Workspace
from apps.workspaces.services import api_key_authenticate, api_key_create
from tests.dashboard.conftest import signed_in

SCRIPT = "<script>alert(1)</script>"
KEYS = reverse("dashboard:api_keys")
REVEAL = reverse("dashboard:signing_secret_reveal")
ROTATE = reverse("dashboard:signing_secret_rotate")


def shown_key(html: str) -> str | None:
    match = re.search(r'id="new-key" type="text" value="([^"]+)"', html)
    return match.group(1) if match else None


def test_admin_sees_the_keys_with_scope_use_and_status(as_admin, workspace, other_workspace, admin_user):
    used = api_key_create(workspace=workspace, name="Shop sync", scope="read", created_by=admin_user)
    api_key_authenticate(used.key)
    revoked = api_key_create(workspace=workspace, name="Old CRM").api_key
    as_admin.post(reverse("dashboard:api_key_revoke", args=[revoked.pk]))
    api_key_create(workspace=other_workspace, name="Not ours")

    html = as_admin.get(KEYS).content.decode()

    assert "Shop sync" in html and "Read only" in html and f"ca_{used.api_key.prefix}_" in html
    assert "by alice-admin" in html and "never" in html  # Old CRM was never used
    assert "revoked" in html and "Not ours" not in html
    assert used.key not in html  # a key is shown once, when created, never again


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_non_admins_get_403_everywhere(clients, workspace, role):
    key = api_key_create(workspace=workspace, name="k").api_key
    client = clients[role]

    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "x", "scope": "read"}).status_code == 403
    assert client.post(reverse("dashboard:api_key_revoke", args=[key.pk])).status_code == 403
    assert client.post(REVEAL).status_code == 403
    assert client.post(ROTATE).status_code == 403
    assert ApiKey.objects.filter(workspace=workspace).count() == 1
    assert KEYS not in client.get(reverse("dashboard:overview")).content.decode()  # no nav entry either


def test_create_shows_the_key_once_and_it_works(as_admin, workspace):
    response = as_admin.post(KEYS, {"name": "Shop sync", "scope": "read_write"})
    html = response.content.decode()
    key = shown_key(html)

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert key and "it will not be shown again" in html and 'data-copy="#new-key"' in html
    api_key = api_key_authenticate(key)
    assert api_key.workspace == workspace and api_key.can_write and api_key.name == "Shop sync"
    assert shown_key(as_admin.get(KEYS).content.decode()) is None


def test_read_only_scope_is_kept(as_admin, workspace):
    key = shown_key(as_admin.post(KEYS, {"name": "Reports", "scope": "read"}).content.decode())

    assert not api_key_authenticate(key).can_write


def test_invalid_form_is_refused(as_admin, workspace):
    response = as_admin.post(KEYS, {"name": "", "scope": "everything"})

    assert response.status_code == 400 and not ApiKey.objects.filter(workspace=workspace).exists()


def test_a_stored_script_in_a_key_name_renders_escaped(as_admin, workspace):
    html = as_admin.post(KEYS, {"name": SCRIPT, "scope": "read"}).content.decode()

    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_revoke_asks_then_revokes(as_admin, workspace):
    issued = api_key_create(workspace=workspace, name="Shop sync")
    url = reverse("dashboard:api_key_revoke", args=[issued.api_key.pk])

    page = as_admin.get(url).content.decode()
    assert "Revoke “Shop sync”?" in page and api_key_authenticate(issued.key) is not None

    response = as_admin.post(url)

    assert response.status_code == 302 and response["Location"] == KEYS
    assert api_key_authenticate(issued.key) is None
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is not None


def test_a_key_of_another_workspace_is_not_found(as_admin, other_workspace):
    other = api_key_create(workspace=other_workspace, name="Other").api_key
    url = reverse("dashboard:api_key_revoke", args=[other.pk])

    assert as_admin.get(url).status_code == 404
    assert as_admin.post(url).status_code == 404
    assert ApiKey.objects.get(pk=other.pk).revoked_at is None


def test_the_signing_secret_is_revealed_only_after_confirming(as_admin, workspace):
    secret = workspace.webhook_signing_secret

    assert secret not in as_admin.get(KEYS).content.decode()
    assert secret not in as_admin.get(REVEAL).content.decode()
    response = as_admin.post(REVEAL)
    assert secret in response.content.decode() and "no-store" in response["Cache-Control"]


def test_rotate_replaces_the_secret_and_shows_the_new_one(as_admin, workspace, other_workspace):
    before, other_before = workspace.webhook_signing_secret, other_workspace.webhook_signing_secret
    assert as_admin.get(ROTATE).status_code == 200
    assert Workspace.objects.get(pk=workspace.pk).webhook_signing_secret == before

    html = as_admin.post(ROTATE).content.decode()

    after = Workspace.objects.get(pk=workspace.pk).webhook_signing_secret
    assert after != before and after in html and before not in html
    assert Workspace.objects.get(pk=other_workspace.pk).webhook_signing_secret == other_before


def test_csrf_is_enforced(admin_user, workspace):
    client = signed_in(admin_user, csrf=True)
    key = api_key_create(workspace=workspace, name="k").api_key

    assert client.post(KEYS, {"name": "x", "scope": "read"}).status_code == 403
    assert client.post(reverse("dashboard:api_key_revoke", args=[key.pk])).status_code == 403
    assert client.post(ROTATE).status_code == 403
    assert client.post(REVEAL).status_code == 403
    assert ApiKey.objects.filter(workspace=workspace).count() == 1
