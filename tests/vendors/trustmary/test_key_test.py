"""GET /trustmary/v1/test and the Trustmary key headers (`Apikey`, also `Bearer`)."""

from __future__ import annotations

import pytest

from apps.workspaces.services import api_key_revoke
from tests.vendors.trustmary.conftest import BASE, client_for, fixture

pytestmark = pytest.mark.django_db

URL = f"{BASE}/test"


def test_apikey_header_works(client, workspace, api_key):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "message": "Your API key is working",
        "organization_id": workspace.public_id,
        "organization_name": "Acme",
        "api_key_name": "Integration",
    }
    assert set(response.json()) == set(fixture("test_response.json"))


def test_bearer_header_works_too(api_key):
    assert client_for(api_key.key, "Bearer").get(URL).status_code == 200


def test_scheme_is_case_insensitive(api_key):
    assert client_for(api_key.key, "apikey").get(URL).status_code == 200


def test_trailing_slash_is_accepted(client):
    assert client.get(URL + "/").status_code == 200


def test_other_workspaces_key_names_its_own_workspace(other_client, other_workspace):
    body = other_client.get(URL).json()

    assert body["organization_id"] == other_workspace.public_id
    assert body["api_key_name"] == "Other"


def test_read_only_key_works(read_only_client):
    assert read_only_client.get(URL).json()["api_key_name"] == "Reporting"


def test_missing_key_is_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Apikey"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header", ["Apikey ca_00000000_wrong", "Apikey nonsense", "Basic dXNlcjpwYXNz", "Apikey"]
)
def test_wrong_or_malformed_key_is_401(api_client, api_key, header):
    response = api_client.get(URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "error" in response.json()


def test_revoked_key_is_401(api_key):
    api_key_revoke(api_key=api_key.api_key)

    response = client_for(api_key.key).get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_post_is_405(client):
    response = client.post(URL, {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_accept_without_json_is_406(client):
    response = client.get(URL, HTTP_ACCEPT="text/html")

    assert response.status_code == 406
