"""POST /notifuse/api/contacts.import: synchronous, an operation per item, bad items reported and the rest
applied, the last copy of a repeated email wins, optional list subscription."""

from __future__ import annotations

import pytest

from apps.attributes.models import AttributeDefinition
from apps.contacts.models import Contact
from apps.lists.models import ListMembership
from apps.lists.services import list_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_contacts(notifuse, workspace):
    def run(contacts, *, query: str = "", **extra):
        body = {"workspace_id": workspace.public_id, "contacts": contacts, **extra}
        return notifuse.post("contacts.import", body, query=query)

    return run


def emails(workspace) -> set[str]:
    return set(Contact.objects.filter(workspace=workspace).values_list("email", flat=True))


def test_contacts_are_created_and_updated_with_an_operation_each(import_contacts, workspace):
    import_contacts([{"email": "old@example.com", "first_name": "Old"}])

    response = import_contacts(
        [
            {"email": "New@Example.com", "first_name": "New", "custom_number_1": 3},
            {"email": "old@example.com", "last_name": "Known"},
        ]
    )

    assert response.status_code == 200
    assert response.json() == {
        "operations": [
            {"email": "new@example.com", "action": "create"},
            {"email": "old@example.com", "action": "update"},
        ]
    }
    old = Contact.objects.get(workspace=workspace, email="old@example.com")
    assert (old.first_name, old.last_name) == ("Old", "Known")
    new = Contact.objects.get(workspace=workspace, email="new@example.com")
    assert (new.first_name, new.attributes, new.last_source) == ("New", {"custom_number_1": 3}, "notifuse")
    assert AttributeDefinition.objects.get(workspace=workspace, codename="custom_number_1").type == "number"


def test_a_bad_item_is_an_error_operation_and_the_rest_are_applied(import_contacts, workspace):
    response = import_contacts(
        [
            {"email": "a@example.com"},
            {"email": "not-an-email"},
            {"email": "b@example.com", "custom_json_1": 5},
            {"email": "c@example.com"},
        ]
    )

    assert response.json()["operations"] == [
        {"email": "a@example.com", "action": "create"},
        {
            "email": "not-an-email",
            "action": "error",
            "error": "invalid contact at index 1: invalid email format",
        },
        {
            "email": "b@example.com",
            "action": "error",
            "error": "invalid contact at index 2: invalid JSON value for custom_json_1, got Number",
        },
        {"email": "c@example.com", "action": "create"},
    ]
    assert emails(workspace) == {"a@example.com", "c@example.com"}


def test_the_last_copy_of_a_repeated_email_wins(import_contacts, workspace):
    response = import_contacts(
        [
            {"email": "a@example.com", "first_name": "First", "job_title": "Only in the first copy"},
            {"email": "b@example.com"},
            {"email": " A@EXAMPLE.COM", "first_name": "Last"},
        ]
    )

    assert response.json()["operations"] == [
        {"email": "b@example.com", "action": "create"},
        {"email": "a@example.com", "action": "create"},
    ]
    contact = Contact.objects.get(workspace=workspace, email="a@example.com")
    assert (contact.first_name, contact.job_title) == ("Last", None)


def test_an_identity_held_by_another_contact_fails_only_that_item(import_contacts, workspace):
    import_contacts([{"email": "a@example.com", "external_id": "u-1"}])

    response = import_contacts(
        [{"email": "b@example.com", "external_id": "u-1"}, {"email": "c@example.com", "external_id": "u-2"}]
    )

    operations = response.json()["operations"]
    assert operations[0]["action"] == "error"
    assert operations[0]["error"].startswith("failed to upsert contact at index 0: contacts[0].external_id: ")
    assert operations[1] == {"email": "c@example.com", "action": "create"}
    assert emails(workspace) == {"a@example.com", "c@example.com"}


def test_contacts_are_subscribed_to_the_lists_named(import_contacts, workspace):
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")

    response = import_contacts(
        [{"email": "a@example.com"}, {"email": "bad"}], subscribe_to_lists=[newsletter.public_id]
    )

    assert response.status_code == 200
    membership = ListMembership.objects.get(list=newsletter)
    assert (membership.contact.email, membership.status) == ("a@example.com", "subscribed")


def test_an_unknown_list_is_a_400_before_anything_is_written(import_contacts, workspace, other_workspace):
    foreign = list_create(workspace_id=other_workspace.id, name="Theirs")

    response = import_contacts([{"email": "a@example.com"}], subscribe_to_lists=[foreign.public_id])

    assert response.status_code == 400
    assert response.json() == {"error": f"list not found: {foreign.public_id}"}
    assert not Contact.objects.exists()


def test_a_large_import_is_applied_across_chunks(import_contacts, workspace, settings):
    settings.INGEST_CHUNK_SIZE = 100
    contacts = [{"email": f"c{i}@example.com", "custom_number_1": i} for i in range(450)]

    response = import_contacts(contacts)

    operations = response.json()["operations"]
    assert [op["action"] for op in operations] == ["create"] * 450
    assert [op["email"] for op in operations] == [c["email"] for c in contacts]
    assert Contact.objects.filter(workspace=workspace).count() == 450


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"contacts": []}, "contacts array is empty"),
        ({"contacts": {"email": "a@example.com"}}, "contacts must be an array"),
        ({}, "contacts must be an array"),
        (
            {"contacts": [{"email": "a@example.com"}] * 10_001},
            "contacts array has 10001 items; the maximum is 10000",
        ),
        ({"contacts": [{"email": "a@example.com"}], "subscribe_to_lists": "L1"}, "Invalid request body"),
        ({"workspace_id": None, "contacts": [{"email": "a@example.com"}]}, "workspace_id is required"),
    ],
)
def test_a_bad_request_is_a_400(notifuse, workspace, extra, message):
    response = notifuse.post("contacts.import", {"workspace_id": workspace.public_id, **extra})

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not Contact.objects.exists()


def test_another_method_is_a_405(notifuse):
    response = notifuse.call("GET", "contacts.import")

    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})


def test_another_workspaces_id_is_a_400(notifuse, other_workspace):
    response = notifuse.post(
        "contacts.import",
        {"workspace_id": other_workspace.public_id, "contacts": [{"email": "a@example.com"}]},
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "You do not have access to this workspace"},
    )
    assert not Contact.objects.exists()


def test_a_key_of_another_workspace_cannot_import_here(notifuse_other, workspace):
    response = notifuse_other.post(
        "contacts.import", {"workspace_id": workspace.public_id, "contacts": [{"email": "a@example.com"}]}
    )

    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_a_read_only_key_gets_a_403(notifuse_read_only, workspace):
    response = notifuse_read_only.post(
        "contacts.import", {"workspace_id": workspace.public_id, "contacts": [{"email": "a@example.com"}]}
    )

    assert response.status_code == 403
    assert response.json() == {"error": "Insufficient permissions: write access to contacts required"}


def test_a_dry_run_reports_the_operations_and_writes_nothing(import_contacts, workspace):
    import_contacts([{"email": "old@example.com", "first_name": "Old"}])
    newsletter = list_create(workspace_id=workspace.id, name="Newsletter")

    response = import_contacts(
        [
            {"email": "old@example.com", "first_name": "Changed"},
            {"email": "new@example.com", "custom_json_1": {}},
        ],
        subscribe_to_lists=[newsletter.public_id],
        query="dry_run=true",
    )

    assert response.json() == {
        "operations": [
            {"email": "old@example.com", "action": "update"},
            {"email": "new@example.com", "action": "create"},
        ],
        "dry_run": True,
    }
    assert emails(workspace) == {"old@example.com"}
    assert Contact.objects.get(email="old@example.com").first_name == "Old"
    assert not ListMembership.objects.exists()
    assert not AttributeDefinition.objects.filter(workspace=workspace, codename="custom_json_1").exists()


def test_an_idempotency_key_replays_and_refuses_another_body(notifuse, workspace):
    body = {"workspace_id": workspace.public_id, "contacts": [{"email": "a@example.com"}]}
    first = notifuse.post("contacts.import", body, HTTP_IDEMPOTENCY_KEY="imp-1")

    again = notifuse.post("contacts.import", body, HTTP_IDEMPOTENCY_KEY="imp-1")
    other = notifuse.post(
        "contacts.import", {**body, "contacts": [{"email": "b@example.com"}]}, HTTP_IDEMPOTENCY_KEY="imp-1"
    )

    assert again.json() == first.json() == {"operations": [{"email": "a@example.com", "action": "create"}]}
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert emails(workspace) == {"a@example.com"}
