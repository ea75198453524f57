"""GET /api/v1/auth/check: the endpoint an integration (and `make run`'s printed key) is tried against."""

import pytest
from django.urls import reverse

from apps.workspaces.services import api_key_revoke

URL = "/api/v1/auth/check"


def test_url_is_stable():
    assert reverse("api:auth-check") == URL


def test_valid_key_gets_its_workspace(api_client, api_key, workspace):
    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_key.key}")

    assert response.status_code == 200
    assert response.json() == {
        "workspace": {"id": workspace.public_id, "name": workspace.name},
        "key": {"name": "Integration", "scope": "read_write"},
    }


def test_read_only_key_may_read(api_client, read_only_key):
    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Bearer {read_only_key.key}")

    assert response.status_code == 200
    assert response.json()["key"]["scope"] == "read"


def test_key_in_x_api_key_header_is_accepted(api_client, api_key):
    response = api_client.get(URL, HTTP_X_API_KEY=api_key.key)

    assert response.status_code == 200


@pytest.mark.django_db
def test_missing_key_is_401_with_the_error_envelope(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_wrong_key_is_401(api_client, api_key):
    response = api_client.get(URL, HTTP_AUTHORIZATION="Bearer ca_00000000_wrong")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_revoked_key_is_401(api_client, api_key):
    api_key_revoke(api_key=api_key.api_key)

    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_key.key}")

    assert response.status_code == 401


def test_other_scheme_counts_as_missing(api_client, api_key):
    response = api_client.get(URL, HTTP_AUTHORIZATION=f"Basic {api_key.key}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
