"""Customerscore test helpers: a client that sends the vendor's key header, the seed's customer and the
attribute definitions its example attributes need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from rest_framework.test import APIClient

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact, Customer

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/customerscore/api/v1"
SEED_CUSTOMER = "12345"
SEED_CONTACT = "C12345"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture(name: str) -> Any:
    return json.loads(fixture_text(name))


def contact_url(customer: str = SEED_CUSTOMER, contact: str | None = None) -> str:
    url = f"{BASE}/customer/{customer}/contact"
    return url if contact is None else f"{url}/{contact}"


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_CUSTOMERSCORE_KEY=key)
    return client


def send(client: APIClient, method: str, url: str, body: Any = None, **extra: Any):
    """A request with a JSON body: a str is sent verbatim (captured fixtures), anything else is encoded."""
    data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    if data is None:
        return client.generic(method, url, **extra)
    return client.generic(method, url, data, content_type="application/json", **extra)


@pytest.fixture
def client(api_key) -> APIClient:
    return client_for(api_key.key)


@pytest.fixture
def read_only_client(read_only_key) -> APIClient:
    return client_for(read_only_key.key)


@pytest.fixture
def other_client(other_key) -> APIClient:
    return client_for(other_key.key)


@pytest.fixture
def customer(workspace) -> Customer:
    return Customer.objects.create(workspace=workspace, external_id=SEED_CUSTOMER, name="Seed customer")


@pytest.fixture
def other_customer(other_workspace) -> Customer:
    """The other workspace's customer with the same external id as ours."""
    return Customer.objects.create(workspace=other_workspace, external_id=SEED_CUSTOMER, name="Theirs")


@pytest.fixture
def seed_definitions(workspace) -> None:
    """The custom attributes of the seed's example (`email`, `phone`, `city` are built-in)."""
    attribute_definition_create(workspace=workspace, codename="age", type="number")
    attribute_definition_create(workspace=workspace, codename="is_admin", type="boolean")
    attribute_definition_create(workspace=workspace, codename="last_contacted_at", type="date")


def contact_make(
    workspace, customer: Customer | None, external_id: str = SEED_CONTACT, **fields: Any
) -> Contact:
    return Contact.objects.create(workspace=workspace, customer=customer, external_id=external_id, **fields)


def table_counts() -> dict[str, int]:
    """Rows in every table (to prove a dry run or a refused request wrote nothing). Idempotency records and
    API keys are left out: the request itself may store the one or touch the other."""
    skip = {"core.IdempotencyRecord", "workspaces.ApiKey"}
    return {
        m._meta.label: m._default_manager.count()
        for m in django_apps.get_models()
        if m._meta.label not in skip
    }


BULK_CONTACTS_URL = f"{BASE}/contacts"
BULK_CUSTOMERS_URL = f"{BASE}/customers"


@pytest.fixture
def seed_metrics(workspace) -> None:
    """The metrics of the seed's "Full Request Body Example"."""
    from apps.attributes.services import metric_definition_create

    metric_definition_create(workspace=workspace, codename="resolved_tickets", type="number")
    metric_definition_create(workspace=workspace, codename="user_status", type="string")
    metric_definition_create(workspace=workspace, codename="has_profile_picture", type="boolean")
    metric_definition_create(workspace=workspace, codename="last_purchase_date", type="date")


def bulk_item(n: int, customer: str = SEED_CUSTOMER, **extra: Any) -> dict[str, Any]:
    """A valid `POST /contacts` item: contact `C<n>` of `customer`."""
    return {
        "customer_external_id": customer,
        "contact_external_id": f"C{n}",
        "contact_name": f"Contact {n}",
        **extra,
    }
