"""Trustmary test helpers: an authenticated client, captured payloads, stored contacts and lists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from rest_framework.test import APIClient

from apps.contacts.models import Contact
from apps.lists.models import ContactList, ListMembership

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/trustmary/v1"
# The seed's example address was replaced by the page's email protection (fixtures/README.md).
SEED_EMAIL = "[email protected]"
REAL_EMAIL = "contact@example.com"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def client_for(key: str, scheme: str = "Apikey") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return client


@pytest.fixture
def client(api_key) -> APIClient:
    return client_for(api_key.key)


@pytest.fixture
def read_only_client(read_only_key) -> APIClient:
    return client_for(read_only_key.key)


@pytest.fixture
def other_client(other_key) -> APIClient:
    return client_for(other_key.key)


def contact_make(workspace, **fields: Any) -> Contact:
    return Contact.objects.create(workspace=workspace, **fields)


def list_make(workspace, public_id: str | None = None, name: str | None = None, **fields: Any) -> ContactList:
    if public_id is not None:
        fields["public_id"] = public_id
    return ContactList.objects.create(workspace=workspace, name=name or f"List {public_id}", **fields)


def membership_make(contact_list: ContactList, contact: Contact) -> ListMembership:
    now = dt.datetime.now(dt.UTC)
    return ListMembership.objects.create(list=contact_list, contact=contact, added_at=now, changed_at=now)


def memberships(contact: Contact) -> set[str]:
    return set(ListMembership.objects.filter(contact=contact).values_list("list__public_id", flat=True))


def table_counts() -> dict[str, int]:
    """Rows in every table but the idempotency store (to prove that a request wrote nothing)."""
    return {
        m._meta.label: m._default_manager.count()
        for m in django_apps.get_models()
        if m._meta.label != "core.IdempotencyRecord"
    }
