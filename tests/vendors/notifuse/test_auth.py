"""Notifuse's bearer-token check and its exact 401 messages, on a write and on a read."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.contacts.models import Contact
from apps.workspaces.services import api_key_revoke
from tests.vendors.notifuse.conftest import BASE, seed_upsert

pytestmark = pytest.mark.django_db


def call(workspace, authorization: str | None, endpoint: str = "contacts.upsert"):
    client = APIClient()
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    if endpoint == "contacts.upsert":
        return client.post(BASE + endpoint, seed_upsert(workspace), format="json", **headers)
    return client.get(BASE + endpoint, {"workspace_id": workspace.public_id}, **headers)


@pytest.mark.parametrize("endpoint", ["contacts.upsert", "contacts.count"])
def test_no_header_is_a_401(workspace, endpoint):
    response = call(workspace, None, endpoint)

    assert response.status_code == 401
    assert response.json() == {"error": "Authorization header is required"}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", ["Token abc", "Bearer", "bearer abc", "Bearer  abc", "Bearer a b", "Basic eDp5"]
)
def test_a_header_not_of_the_form_bearer_token_is_a_401(workspace, api_key, header):
    response = call(workspace, header.replace("abc", api_key.key))

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid authorization header format"}


@pytest.mark.parametrize("token", ["", "nope", "ca_12345678_wrong"])
def test_an_unknown_token_is_a_401(workspace, token):
    response = call(workspace, f"Bearer {token}")

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid token"}
    assert not Contact.objects.exists()


def test_a_revoked_key_is_an_invalid_token(workspace, api_key):
    api_key_revoke(api_key=api_key.api_key)

    response = call(workspace, f"Bearer {api_key.key}", "contacts.count")

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid token"}


def test_a_valid_key_is_let_in(workspace, api_key):
    assert call(workspace, f"Bearer {api_key.key}").status_code == 200
