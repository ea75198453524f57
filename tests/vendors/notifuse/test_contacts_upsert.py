"""POST /notifuse/api/contacts.upsert: the seed's example, Notifuse's validation, merge rules and the hub's
cross-cutting guarantees (workspaces, scopes, dry run, idempotency, a fixed number of queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.models import AttributeDefinition
from apps.contacts.models import Contact
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from apps.lists.services import list_create
from tests.vendors.notifuse.conftest import fixture, seed_upsert

pytestmark = pytest.mark.django_db


def stored(workspace, email: str = "user@example.com") -> Contact:
    return Contact.objects.get(workspace=workspace, email=email)


# --- the seed ----------------------------------------------------------------------------------------------


def test_the_seed_request_creates_the_contact_the_seed_response_shows(notifuse, workspace):
    expected = fixture("upsert_seed_response.json")

    response = notifuse.post("contacts.upsert", seed_upsert(workspace))

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "user@example.com"
    assert (body["action"], body["error"]) == ("created", None)
    timestamps = ("created_at", "updated_at")
    assert {k: v for k, v in body["contact"].items() if k not in timestamps} == {
        k: v for k, v in expected["contact"].items() if k not in timestamps
    }
    assert list(body["contact"]) == list(expected["contact"])


def test_the_seed_request_stores_columns_and_typed_custom_attributes(notifuse, workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    contact = stored(workspace)
    assert (contact.external_id, contact.first_name, contact.last_name) == ("user_12345", "John", "Doe")
    assert (contact.phone, contact.language, contact.timezone) == (
        "+15551234567",
        "en-US",
        "America/New_York",
    )
    assert (contact.address_line1, contact.address_line2, contact.region) == ("123 Main St", "Apt 4B", "NY")
    assert (contact.country, contact.postcode, contact.job_title) == ("US", "10001", "Software Engineer")
    assert contact.attributes["custom_number_1"] == 42
    assert contact.attributes["last_order_at"] == "2023-05-15T14:30:00Z"
    assert contact.attributes["custom_json_1"] == {"preferences": {"theme": "dark", "notifications": True}}
    assert contact.last_source == "notifuse"


def test_the_body_timestamps_are_ignored(notifuse, workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace))

    assert stored(workspace).created_at.year != 2023


def test_slots_are_provisioned_as_attribute_definitions_with_their_types(upsert, workspace):
    upsert({"email": "a@example.com", "custom_number_2": 1, "last_order_at": "2024-01-01T00:00:00Z"})

    types = dict(
        AttributeDefinition.objects.filter(workspace=workspace, builtin=False).values_list("codename", "type")
    )
    assert types == {"custom_number_2": "number", "last_order_at": "datetime"}


# --- merge rules -------------------------------------------------------------------------------------------


def test_a_known_email_is_updated_absent_kept_null_cleared_empty_stored(upsert, workspace):
    upsert(
        {
            "email": "a@example.com",
            "first_name": "Jane",
            "last_name": "Doe",
            "job_title": "CTO",
            "custom_string_1": "gold",
            "custom_number_1": 5,
        }
    )

    response = upsert(
        {
            "email": "A@Example.com",
            "last_name": None,
            "job_title": "",
            "custom_string_1": None,
            "custom_number_2": 7,
        }
    )

    assert response.json()["action"] == "updated"
    contact = stored(workspace, "a@example.com")
    assert (contact.first_name, contact.last_name, contact.job_title) == ("Jane", None, "")
    assert contact.attributes == {"custom_number_1": 5, "custom_number_2": 7}
    shown = response.json()["contact"]
    assert "last_name" not in shown and shown["job_title"] == "" and "custom_string_1" not in shown


def test_the_email_is_matched_trimmed_of_unicode_spaces_and_lower_cased(upsert, workspace):
    upsert({"email": "a@example.com"})

    response = upsert({"email": "\u00a0A@EXAMPLE.com\u2003"})

    assert response.json()["email"] == "a@example.com"
    assert response.json()["action"] == "updated"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_unknown_keys_are_ignored(upsert, workspace):
    response = upsert({"email": "a@example.com", "favourite_colour": "blue"})

    assert response.status_code == 200
    assert "favourite_colour" not in stored(workspace, "a@example.com").attributes


def test_a_soft_deleted_contact_is_restored(upsert, workspace, api_key):
    upsert({"email": "a@example.com"})
    source = IngestSource(name="test")
    contacts_soft_delete(
        workspace_id=workspace.id, contact_ids=[stored(workspace, "a@example.com").pk], source=source
    )

    response = upsert({"email": "a@example.com", "first_name": "Back"})

    assert response.json()["action"] == "updated"
    assert stored(workspace, "a@example.com").deleted_at is None


def test_the_external_id_is_data_the_email_match_may_change(upsert, workspace):
    upsert({"email": "a@example.com", "external_id": "u-1"})

    response = upsert({"email": "a@example.com", "external_id": "u-2"})

    assert (response.status_code, response.json()["action"]) == (200, "updated")
    assert stored(workspace, "a@example.com").external_id == "u-2"


def test_an_external_id_of_another_contact_is_a_400_and_nothing_merges(upsert, workspace):
    upsert({"email": "a@example.com", "external_id": "u-1"})

    response = upsert({"email": "b@example.com", "external_id": "u-1"})

    assert response.status_code == 400
    assert response.json()["error"].startswith("failed to upsert contact: contact.external_id: ")
    assert not Contact.objects.filter(workspace=workspace, email="b@example.com").exists()


# --- Notifuse's errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({}, "invalid contact: email is required"),
        ({"email": "  "}, "invalid contact: email is required"),
        ({"email": "user@"}, "invalid contact: invalid email format"),
        (
            {"email": "a@example.com", "first_name": 1},
            "invalid contact: invalid type for first_name: expected string, got Number",
        ),
        (
            {"email": "a@example.com", "custom_number_1": "1"},
            "invalid contact: invalid type for custom_number_1: expected number, got String",
        ),
        (
            {"email": "a@example.com", "custom_json_1": "x"},
            "invalid contact: invalid JSON value for custom_json_1, got String",
        ),
    ],
)
def test_an_invalid_contact_gets_notifuses_message(upsert, workspace, contact, message):
    response = upsert(contact)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not Contact.objects.filter(workspace=workspace).exists()


def test_an_invalid_time_names_the_field(upsert):
    response = upsert({"email": "a@example.com", "custom_datetime_3": "15/05/2023"})

    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid contact: invalid time format for custom_datetime_3")


def test_an_impossible_phone_names_the_field(upsert):
    response = upsert({"email": "a@example.com", "phone": "call me maybe"})

    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid contact: invalid value for phone: ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "Invalid request body"),
        ("[1, 2]", "Invalid request body"),
        ('{"workspace_id": 5, "contact": {}}', "Invalid request body"),
        ('{"contact": {"email": "a@example.com"}}', "workspace_id is required"),
        ('{"workspace_id": "", "contact": {"email": "a@example.com"}}', "workspace_id is required"),
        ('{"workspace_id": "WS"}', "contact field is required"),
        ('{"workspace_id": "WS", "contact": null}', "invalid contact: email is required"),
        ('{"workspace_id": "WS", "contact": {"email": "a\\u0000@example.com"}}', "Invalid request body"),
    ],
)
def test_a_bad_body_gets_notifuses_message(notifuse, workspace, body, message):
    response = notifuse.post("contacts.upsert", body.replace("WS", workspace.public_id))

    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_json_nested_1000_levels_deep_is_an_invalid_body(notifuse, workspace):
    deep = "[" * 1000 + "]" * 1000
    contact = f'{{"email": "a@example.com", "custom_json_1": {deep}}}'
    body = f'{{"workspace_id": "{workspace.public_id}", "contact": {contact}}}'

    response = notifuse.post("contacts.upsert", body)

    assert (response.status_code, response.json()) == (400, {"error": "Invalid request body"})
    assert not Contact.objects.exists()


def test_an_accept_header_without_json_is_a_406_in_notifuse_shape(notifuse, workspace):
    response = notifuse.post("contacts.upsert", seed_upsert(workspace), HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert list(response.json()) == ["error"]
    assert not Contact.objects.exists()


def test_a_body_that_is_not_json_is_a_415_in_notifuse_shape(notifuse, workspace):
    response = notifuse.client.post("/notifuse/api/contacts.upsert", "email=a", content_type="text/plain")

    assert response.status_code == 415
    assert list(response.json()) == ["error"]


def test_a_body_over_5_mb_is_a_413_before_parsing(notifuse, workspace):
    body = '{"workspace_id": "x", "contact": {"email": "a@example.com", "custom_string_1": "%s"}}' % (
        "x" * (5 * 1024 * 1024)
    )

    response = notifuse.post("contacts.upsert", body)

    assert response.status_code == 413
    assert list(response.json()) == ["error"]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_another_method_is_a_405(notifuse, method):
    response = notifuse.call(method, "contacts.upsert")

    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed"}


# --- workspaces, scopes ------------------------------------------------------------------------------------


def test_another_workspaces_id_is_a_400_and_changes_nothing(notifuse, other_workspace, workspace):
    body = seed_upsert(other_workspace)

    response = notifuse.post("contacts.upsert", body)

    assert response.status_code == 400
    assert response.json() == {"error": "You do not have access to this workspace"}
    assert not Contact.objects.exists()


def test_a_key_of_another_workspace_never_touches_this_one(
    upsert, notifuse_other, workspace, other_workspace
):
    upsert({"email": "a@example.com", "first_name": "Ours"})

    contact = {"email": "a@example.com", "first_name": "Theirs"}

    denied = notifuse_other.post("contacts.upsert", {"workspace_id": workspace.public_id, "contact": contact})
    own = notifuse_other.post(
        "contacts.upsert", {"workspace_id": other_workspace.public_id, "contact": contact}
    )

    assert denied.status_code == 400
    assert own.json()["action"] == "created"
    assert stored(workspace, "a@example.com").first_name == "Ours"
    assert stored(other_workspace, "a@example.com").first_name == "Theirs"


def test_a_read_only_key_gets_a_403(notifuse_read_only, workspace):
    response = notifuse_read_only.post("contacts.upsert", seed_upsert(workspace))

    assert response.status_code == 403
    assert response.json() == {"error": "Insufficient permissions: write access to contacts required"}
    assert not Contact.objects.exists()


# --- dry run, idempotency ----------------------------------------------------------------------------------


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(notifuse, workspace):
    response = notifuse.post("contacts.upsert", seed_upsert(workspace), query="dry_run=true")

    assert response.status_code == 200
    body = response.json()
    assert (body["action"], body["dry_run"]) == ("created", True)
    assert body["contact"]["custom_json_1"] == {"preferences": {"theme": "dark", "notifications": True}}
    assert not Contact.objects.exists()
    assert not AttributeDefinition.objects.filter(workspace=workspace, builtin=False).exists()


def test_a_dry_run_update_shows_the_merged_contact_and_changes_nothing(upsert, workspace):
    upsert({"email": "a@example.com", "first_name": "Jane", "custom_number_1": 1})

    response = upsert(
        {"email": "a@example.com", "first_name": "June", "custom_json_2": [1]}, query="dry_run=true"
    )

    body = response.json()
    assert (body["action"], body["contact"]["first_name"]) == ("updated", "June")
    assert (body["contact"]["custom_number_1"], body["contact"]["custom_json_2"]) == (1, [1])
    contact = stored(workspace, "a@example.com")
    assert (contact.first_name, contact.attributes) == ("Jane", {"custom_number_1": 1})


def test_an_idempotency_key_replays_the_stored_response(notifuse, workspace):
    first = notifuse.post("contacts.upsert", seed_upsert(workspace), HTTP_IDEMPOTENCY_KEY="k-1")

    again = notifuse.post("contacts.upsert", seed_upsert(workspace), HTTP_IDEMPOTENCY_KEY="k-1")

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.json()["action"] == "created"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_an_idempotency_key_reused_with_another_body_is_a_422(notifuse, workspace):
    notifuse.post("contacts.upsert", seed_upsert(workspace), HTTP_IDEMPOTENCY_KEY="k-1")
    other = seed_upsert(workspace)
    other["contact"]["first_name"] = "Other"

    response = notifuse.post("contacts.upsert", other, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert list(response.json()) == ["error"]
    assert stored(workspace).first_name == "John"


# --- performance ---------------------------------------------------------------------------------------


def test_the_upsert_makes_a_fixed_number_of_queries(upsert, notifuse, workspace):
    seed = fixture("upsert_seed_request.json")["contact"]
    every_slot = {
        k: v for k, v in seed.items() if k.startswith(("custom_", "lifetime", "orders", "last_order"))
    }
    assert len(every_slot) == 23
    upsert({"email": "warm@example.com", **every_slot})  # slots provisioned, the key's last use recorded
    upsert({"email": "plain@example.com"})
    lists = [list_create(workspace_id=workspace.id, name=f"L{i}") for i in range(5)]
    notifuse.post(
        "lists.subscribe",
        {
            "workspace_id": workspace.public_id,
            "contact": {"email": "member@example.com"},
            "list_ids": [lst.public_id for lst in lists],
        },
    )

    def queries(contact: dict) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert upsert(contact).status_code == 200
        return len(captured)

    one_new = queries({"email": "n1@example.com", "custom_number_1": 1})
    all_new = queries({"email": "n2@example.com", **every_slot})
    one_update = queries({"email": "n1@example.com", "custom_number_1": 2})
    all_update = queries({"email": "n2@example.com", **every_slot, "custom_number_1": 99})
    no_lists = queries({"email": "plain@example.com", "first_name": "A"})
    five_lists = queries({"email": "member@example.com", "first_name": "A"})

    assert one_new == all_new
    assert one_update == all_update == no_lists == five_lists
