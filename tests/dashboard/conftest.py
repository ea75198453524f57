"""The dashboard's cast: a signed-in client per role, and contacts made through the ingest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.attributes.services import attribute_definition_create, metric_definition_create
from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
from apps.ingest.services import contacts_ingest

SOURCE = IngestSource(name="api")


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def as_admin(admin_user) -> Client:
    return signed_in(admin_user)


@pytest.fixture
def as_editor(editor_user) -> Client:
    return signed_in(editor_user)


@pytest.fixture
def as_viewer(viewer_user) -> Client:
    return signed_in(viewer_user)


@pytest.fixture
def clients(as_admin, as_editor, as_viewer) -> dict[str, Client]:
    return {"admin": as_admin, "editor": as_editor, "viewer": as_viewer}


def ingest(workspace, *records: ContactRecord, policy: MatchPolicy | None = None) -> list[Contact]:
    report = contacts_ingest(workspace_id=workspace.id, records=list(records), policy=policy, source=SOURCE)
    assert all(r.ok for r in report.results), report.results
    ids = [r.contact_id for r in report.results]
    by_id = Contact.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


@pytest.fixture
def make_contacts(workspace) -> Callable[..., list[Contact]]:
    """`make_contacts(3, first_name="Ann", attributes={...})`: contacts c0@example.test, c1@example.test…"""

    def make(count: int = 1, *, prefix: str = "c", ws=None, **fields: Any) -> list[Contact]:
        attributes = fields.pop("attributes", {})
        lists_add = fields.pop("lists_add", [])
        tags_add = fields.pop("tags_add", [])
        channels = fields.pop("channels", [])
        records = [
            ContactRecord(
                fields={"email": f"{prefix}{n}@example.test", "external_id": f"{prefix}-{n}", **fields},
                attributes=dict(attributes),
                lists_add=list(lists_add),
                tags_add=list(tags_add),
                channels=list(channels),
            )
            for n in range(count)
        ]
        return ingest(ws or workspace, *records)

    return make


@pytest.fixture
def definitions(workspace) -> None:
    """Custom attributes of each interesting type, and two metrics."""
    attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free", "pro"])
    attribute_definition_create(workspace=workspace, codename="score", type="number", label="Score")
    attribute_definition_create(workspace=workspace, codename="vip", type="boolean")
    attribute_definition_create(workspace=workspace, codename="nickname", type="string")
    attribute_definition_create(workspace=workspace, codename="since", type="date")
    metric_definition_create(workspace=workspace, codename="orders", type="number", label="Orders")
    metric_definition_create(workspace=workspace, codename="tier", type="string")


@pytest.fixture
def other_contact(other_workspace) -> Contact:
    """A contact of another workspace: every page must 404 on it."""
    return ingest(other_workspace, ContactRecord(fields={"email": "stranger@example.test"}))[0]
