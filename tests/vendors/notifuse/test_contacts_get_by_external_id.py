"""GET /notifuse/api/contacts.getByExternalID: one contact with its contact_lists, or 404."""

from __future__ import annotations

import pytest

from tests.vendors.notifuse.conftest import seed_upsert

pytestmark = pytest.mark.django_db


def test_the_contact_is_found_by_its_external_id(notifuse, workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    response = notifuse.get(
        "contacts.getByExternalID", workspace_id=workspace.public_id, external_id="user_12345"
    )

    assert response.status_code == 200
    contact = response.json()["contact"]
    assert (contact["email"], contact["external_id"], contact["contact_lists"]) == (
        "user@example.com",
        "user_12345",
        [],
    )


def test_an_unknown_external_id_is_a_404(notifuse, workspace):
    response = notifuse.get("contacts.getByExternalID", workspace_id=workspace.public_id, external_id="nope")

    assert (response.status_code, response.json()) == (404, {"error": "Contact not found"})


@pytest.mark.parametrize(
    ("params", "message"),
    [({"external_id": "x"}, "Missing workspace ID"), ({"workspace_id": "WS"}, "Missing external ID")],
)
def test_missing_parameters_are_400s(notifuse, workspace, params, message):
    params = {k: v.replace("WS", workspace.public_id) for k, v in params.items()}

    response = notifuse.get("contacts.getByExternalID", **params)

    assert (response.status_code, response.json()) == (400, {"error": message})


def test_another_workspace_cannot_see_the_contact(notifuse, notifuse_other, workspace, other_workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    denied = notifuse_other.get(
        "contacts.getByExternalID", workspace_id=workspace.public_id, external_id="user_12345"
    )
    own = notifuse_other.get(
        "contacts.getByExternalID", workspace_id=other_workspace.public_id, external_id="user_12345"
    )

    assert denied.status_code == 400
    assert own.status_code == 404


def test_another_method_is_a_405(notifuse):
    response = notifuse.call("DELETE", "contacts.getByExternalID")

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})
