"""PUSHTech test helpers: a client that sends the vendor's token header, and contacts with tags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.contacts.models import Contact, ContactTag, Tag

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/pushtech/api"
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token token={key}")
    return client


def list_url(account_id: str, query: str = "") -> str:
    return f"{BASE}/v2/account/{account_id}/contact/{query}"


@pytest.fixture
def client(api_key) -> APIClient:
    return client_for(api_key.key)


def contact_make(workspace, *, tags: tuple[str, ...] = (), **fields: Any) -> Contact:
    contact = Contact.objects.create(workspace=workspace, **fields)
    for name in tags:
        tag, _ = Tag.objects.get_or_create(workspace=workspace, name=name)
        ContactTag.objects.create(contact=contact, tag=tag, added_at=NOW)
    return contact


# The bulk tests' fixtures (name resolution for webhook hosts, a local webhook receiver).
from tests.vendors.pushtech.bulk_helpers import SAFE_CHUNK_SIZE, public_dns, receiver  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _small_ingest_chunks(settings) -> None:
    """Every PUSHTech test runs jobs in small chunks (see `bulk_helpers.SAFE_CHUNK_SIZE`)."""
    settings.INGEST_CHUNK_SIZE = SAFE_CHUNK_SIZE
