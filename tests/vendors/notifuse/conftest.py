"""Helpers for the Notifuse dialect's tests: an authenticated client and the captured seed payloads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/notifuse/api/"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def seed_upsert(workspace) -> dict[str, Any]:
    """The seed's example request, verbatim but for `workspace_id`, which must name the key's workspace."""
    body = copy.deepcopy(fixture("upsert_seed_request.json"))
    body["workspace_id"] = workspace.public_id
    return body


class NotifuseClient:
    def __init__(self, key: str | None) -> None:
        self.client = APIClient()
        if key is not None:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    def post(self, endpoint: str, body: Any, *, query: str = "", **headers: str):
        url = BASE + endpoint + (f"?{query}" if query else "")
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.generic("POST", url, data, content_type="application/json", **headers)

    def get(self, endpoint: str, **params: Any):
        return self.client.get(BASE + endpoint, params)

    def call(self, method: str, endpoint: str, **kwargs: Any):
        return self.client.generic(method, BASE + endpoint, **kwargs)


@pytest.fixture
def notifuse(api_key) -> NotifuseClient:
    return NotifuseClient(api_key.key)


@pytest.fixture
def notifuse_read_only(read_only_key) -> NotifuseClient:
    return NotifuseClient(read_only_key.key)


@pytest.fixture
def notifuse_other(other_key) -> NotifuseClient:
    """A valid key of another workspace."""
    return NotifuseClient(other_key.key)


@pytest.fixture
def upsert(notifuse, workspace):
    """POST contacts.upsert with `contact`; asserts nothing."""

    def run(contact: Any, *, query: str = "", **headers: str):
        return notifuse.post(
            "contacts.upsert",
            {"workspace_id": workspace.public_id, "contact": contact},
            query=query,
            **headers,
        )

    return run
