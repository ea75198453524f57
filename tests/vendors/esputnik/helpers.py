"""Helpers of the eSputnik tests: HTTP Basic clients, fixtures on disk, contacts stored through the ingest."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from apps.ingest.records import ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/esputnik/api/v1"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def basic(key: str, user: str = "any-login") -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(key))
    return client


def stored_contact(workspace, *, lists: tuple[str, ...] = (), **fields: Any) -> int:
    """A contact written the one way contacts are written (the ingest); its numeric id."""
    report = contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields=fields, lists_add=[ListRef(name=n, create=True) for n in lists])],
        source=IngestSource(name="test"),
    )
    result = report.results[0]
    assert result.contact_id is not None, result.issues
    return result.contact_id
