"""HTTP Basic on every endpoint: any user name, the key as password; missing or wrong → 401 with a Basic
challenge, in the hub's envelope."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from apps.workspaces.services import api_key_revoke
from tests.vendors.esputnik.helpers import BASE, basic, stored_contact

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "/contact"),
    ("delete", "/contact?externalCustomerId=EM1"),
    ("get", "/contact/1"),
    ("delete", "/contact/1"),
    ("get", "/contacts"),
]


def send(method: str, path: str, authorization: str | None = None):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return getattr(client, method)(BASE + path, {"channels": []} if method == "post" else None, format="json")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_credentials_is_a_401_with_a_basic_challenge(db, method, path):
    response = send(method, path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="eSputnik"'
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_wrong_key_is_a_401(api_key, method, path):
    response = send(method, path, basic(api_key.key + "x"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="eSputnik"'
    assert response.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!not-base64!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
    ],
)
def test_a_malformed_basic_header_is_a_401(db, authorization):
    assert send("get", "/contacts", authorization).status_code == 401


def test_an_empty_password_or_another_scheme_is_no_key(api_key):
    assert send("get", "/contacts", basic("")).json()["error"]["code"] == "not_authenticated"
    assert send("get", "/contacts", f"Bearer {api_key.key}").json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("user", ["any-login", "", "someone@example.com"])
def test_any_user_name_works(workspace, api_key, user):
    contact_id = stored_contact(workspace, email="a@example.com")

    response = send("get", f"/contact/{contact_id}", basic(api_key.key, user=user))

    assert response.status_code == 200


def test_a_revoked_key_is_a_401(api_key):
    api_key_revoke(api_key=api_key.api_key)

    assert send("get", "/contacts", basic(api_key.key)).status_code == 401
