"""The dialect's plumbing on every Customerscore path: key header, body limit, content types, rate limit.

Seed, "Response Codes": 401 missing key, 403 invalid key, 405, 406, 429; spec: 5 MB, 500 requests/minute."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.contacts.models import Contact
from apps.workspaces.services import api_key_revoke
from tests.vendors.customerscore.conftest import (
    BULK_CONTACTS_URL,
    BULK_CUSTOMERS_URL,
    SEED_CONTACT,
    client_for,
    contact_make,
    contact_url,
    fixture_text,
    send,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("POST", contact_url(), "contact_create.json"),
    ("PUT", contact_url("12345", SEED_CONTACT), "contact_update.json"),
    ("DELETE", contact_url("12345", SEED_CONTACT), None),
    ("POST", BULK_CONTACTS_URL, "bulk_contacts_example.json"),
    ("POST", BULK_CUSTOMERS_URL, "bulk_customers.json"),
]
ENDPOINT_IDS = ["create", "update", "delete", "bulk-contacts", "bulk-customers"]


@pytest.fixture(autouse=True)
def _stored(workspace, customer):
    contact_make(workspace, customer, external_id="C-kept", full_name="Kept")


def call(client, method: str, url: str, fixture_name: str | None, **extra):
    return send(client, method, url, None if fixture_name is None else fixture_text(fixture_name), **extra)


@pytest.mark.parametrize(("method", "url", "fixture_name"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_missing_key_is_401(method, url, fixture_name):
    response = call(APIClient(), method, url, fixture_name)

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Unauthorized - Missing customerscore-key in the header.",
        }
    }


@pytest.mark.parametrize(("method", "url", "fixture_name"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_an_unknown_key_is_403(method, url, fixture_name, api_key):
    response = call(client_for(api_key.key + "x"), method, url, fixture_name)

    assert response.status_code == 403
    assert response.json() == {"error": {"code": "invalid_api_key", "message": "Forbidden - Invalid key."}}


def test_a_revoked_key_is_403(api_key):
    api_key_revoke(api_key=api_key.api_key)

    response = call(client_for(api_key.key), *ENDPOINTS[0])

    assert response.status_code == 403
    assert not Contact.objects.filter(external_id=SEED_CONTACT).exists()


def test_a_key_in_another_header_is_not_read(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key.key}")

    assert call(client, *ENDPOINTS[0]).status_code == 401


@pytest.mark.parametrize(("method", "url", "fixture_name"), ENDPOINTS[:2], ids=ENDPOINT_IDS[:2])
def test_another_content_type_is_406(client, method, url, fixture_name):
    response = client.generic(method, url, fixture_text(fixture_name), content_type="text/plain")

    assert response.status_code == 406
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_an_accept_header_without_json_is_406(client):
    response = call(client, *ENDPOINTS[0], HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert not Contact.objects.filter(external_id=SEED_CONTACT).exists()


def test_a_body_over_5_mb_is_413_before_it_is_read(client):
    name = "x" * (5 * 1024 * 1024)
    response = send(client, "POST", contact_url(), f'{{"external_id": "C1", "name": "{name}"}}')

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_over_the_rate_limit_is_429_with_retry_after(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "customerscore": "2/min"}
    for _ in range(2):
        assert call(client, "PUT", contact_url("12345", "C-kept"), "contact_update.json").status_code == 200

    response = call(client, *ENDPOINTS[0])

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert not Contact.objects.filter(external_id=SEED_CONTACT).exists()


def test_the_rate_limit_is_per_key(client, settings, workspace):
    from apps.workspaces.services import api_key_create

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "customerscore": "1/min"}
    assert call(client, *ENDPOINTS[0]).status_code == 200

    second = client_for(api_key_create(workspace=workspace, name="Second").key)
    assert call(second, "PUT", contact_url("12345", "C-kept"), "contact_update.json").status_code == 200


def test_the_default_rate_is_the_vendors_500_per_minute(settings):
    assert settings.RATE_LIMITS["customerscore"] == "500/min"


def test_paths_work_with_a_trailing_slash(client):
    assert call(client, "POST", contact_url() + "/", "contact_create.json").status_code == 200
    assert call(client, "PUT", contact_url("12345", "C-kept") + "/", "contact_update.json").status_code == 200
    assert call(client, "DELETE", contact_url("12345", "C-kept") + "/", None).status_code == 200
