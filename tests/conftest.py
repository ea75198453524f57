"""The shared cast of the test suite: two workspaces, users of every role, keys of every scope."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from apps.workspaces.models import ApiKeyScope, Workspace
from apps.workspaces.services import IssuedApiKey, api_key_create, membership_set, workspace_create


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workspace(db) -> Workspace:
    return workspace_create(name="Acme")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return workspace_create(name="Other Co")


def _user(username: str):
    return get_user_model().objects.create_user(username=username, password="pw-" + username)


@pytest.fixture
def admin_user(workspace):
    user = _user("alice-admin")
    membership_set(workspace=workspace, user=user, role="admin")
    return user


@pytest.fixture
def editor_user(workspace):
    user = _user("eddie-editor")
    membership_set(workspace=workspace, user=user, role="editor")
    return user


@pytest.fixture
def viewer_user(workspace):
    user = _user("vera-viewer")
    membership_set(workspace=workspace, user=user, role="viewer")
    return user


@pytest.fixture
def api_key(workspace) -> IssuedApiKey:
    return api_key_create(workspace=workspace, name="Integration", scope=ApiKeyScope.READ_WRITE)


@pytest.fixture
def read_only_key(workspace) -> IssuedApiKey:
    return api_key_create(workspace=workspace, name="Reporting", scope=ApiKeyScope.READ)


@pytest.fixture
def other_key(other_workspace) -> IssuedApiKey:
    return api_key_create(workspace=other_workspace, name="Other", scope=ApiKeyScope.READ_WRITE)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
