"""`POST /customer/{customer_external_id}/contact`: create one contact of a customer, synchronously."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact, ContactChange
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from tests.vendors.customerscore.conftest import (
    SEED_CONTACT,
    contact_make,
    contact_url,
    fixture,
    fixture_text,
    send,
    table_counts,
)

pytestmark = pytest.mark.django_db


def create(client, body=None, customer: str = "12345", **extra):
    return send(
        client,
        "POST",
        contact_url(customer),
        fixture_text("contact_create.json") if body is None else body,
        **extra,
    )


def test_creates_the_contact_of_the_customer(client, customer, workspace, api_key):
    response = create(client)

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "created"
    assert body["warnings"] == []
    assert body["contact"]["external_id"] == SEED_CONTACT
    assert body["contact"]["customer_external_id"] == "12345"
    assert body["contact"]["name"] == "John Doe"
    assert body["contact"]["attributes"] == {}
    assert body["contact"]["created_at"] and body["contact"]["updated_at"]
    assert body["contact"]["deleted_at"] is None
    stored = Contact.objects.get(workspace=workspace, external_id=SEED_CONTACT)
    assert (stored.customer_id, stored.full_name) == (customer.pk, "John Doe")
    assert (stored.first_name, stored.last_name) == (None, None)  # the name is never split
    assert (stored.last_source, stored.last_api_key_id) == ("customerscore", api_key.api_key.pk)
    assert ContactChange.objects.filter(contact=stored, action="created").count() == 1


def test_stores_matching_attributes_in_their_places(client, customer, workspace, seed_definitions):
    body = {**fixture("contact_create.json"), "attributes": fixture("contact_update.json")["attributes"]}

    response = create(client, body)

    assert response.status_code == 200
    assert response.json()["warnings"] == []
    assert response.json()["contact"]["attributes"] == {
        "email": "example@example.com",
        "phone": "+4207123456789",
        "city": "Brno",
        "age": 35,
        "is_admin": True,
        "last_contacted_at": "2025-04-25",
    }
    stored = Contact.objects.get(workspace=workspace, external_id=SEED_CONTACT)
    # Built-in codenames land in the contact's own columns, where every dialect sees them.
    assert (stored.email, stored.phone, stored.city) == ("example@example.com", "+4207123456789", "Brno")
    assert stored.attributes == {"age": 35, "is_admin": True, "last_contacted_at": "2025-04-25"}


def test_attribute_keys_are_case_sensitive_and_others_dropped_with_a_warning(
    client, customer, workspace, seed_definitions
):
    body = {**fixture("contact_create.json"), "attributes": {"Age": 35, "plan": "pro", "age": 36}}

    response = create(client, body)

    assert response.status_code == 200
    warnings = {(w["path"], w["code"]) for w in response.json()["warnings"]}
    assert warnings == {("attributes.Age", "unknown_attribute"), ("attributes.plan", "unknown_attribute")}
    assert Contact.objects.get(workspace=workspace).attributes == {"age": 36}


def test_a_value_of_the_wrong_type_is_dropped_with_a_warning(client, customer, workspace, seed_definitions):
    body = {**fixture("contact_create.json"), "attributes": {"age": "old", "is_admin": True}}

    response = create(client, body)

    assert response.status_code == 200
    assert [(w["path"], w["code"]) for w in response.json()["warnings"]] == [
        ("attributes.age", "invalid_value")
    ]
    assert Contact.objects.get(workspace=workspace).attributes == {"is_admin": True}


def test_unknown_customer_is_404(client, customer):
    response = create(client, customer="nobody")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Customer not found"}}
    assert not Contact.objects.exists()


def test_an_existing_external_id_is_a_409_naming_it(client, customer, workspace):
    contact_make(workspace, customer, full_name="Already here")

    response = create(client)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["message"].startswith("external_id:")
    assert error["details"] == [
        {
            "path": "external_id",
            "code": "exists",
            "message": "A contact with this external id already exists.",
        }
    ]
    assert Contact.objects.get(workspace=workspace).full_name == "Already here"


def test_an_email_of_another_contact_is_a_409_naming_it(client, customer, workspace):
    contact_make(workspace, None, external_id="C-other", email="example@example.com")
    body = {**fixture("contact_create.json"), "attributes": {"email": "example@example.com"}}

    response = create(client, body)

    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["path"] == "attributes.email"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_a_deleted_contact_is_brought_back(client, customer, workspace):
    old = contact_make(workspace, None, full_name="Old name")
    contacts_soft_delete(workspace_id=workspace.pk, contact_ids=[old.pk], source=IngestSource(name="test"))

    response = create(client)

    assert response.status_code == 200
    assert response.json()["result"] == "restored"
    old.refresh_from_db()
    assert (old.deleted_at, old.full_name, old.customer_id) == (None, "John Doe", customer.pk)


def test_missing_fields_are_400_naming_each(client, customer):
    response = create(client, {})

    assert response.status_code == 400
    assert [d["path"] for d in response.json()["error"]["details"]] == ["external_id", "name"]


def test_an_empty_body_is_400(client, customer):
    response = client.post(contact_url(), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "external_id"


def test_a_name_over_255_characters_is_400(client, customer):
    response = create(client, {"external_id": "C1", "name": "x" * 256})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0] == {
        "path": "name",
        "code": "max_length",
        "message": "Ensure this field has at most 255 characters.",
    }


def test_malformed_json_is_400(client, customer):
    response = create(client, '{"external_id": "C1", "name": ')

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert not Contact.objects.exists()


def test_another_workspace_never_sees_our_customer(other_client, customer, workspace):
    response = create(other_client)

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Customer not found"
    assert not Contact.objects.exists()


def test_the_same_external_id_in_another_workspace_is_another_contact(
    client, other_client, customer, other_customer, workspace, other_workspace
):
    mine = contact_make(workspace, customer, full_name="Mine")

    response = create(other_client)

    assert response.status_code == 200
    theirs = Contact.objects.get(workspace=other_workspace, external_id=SEED_CONTACT)
    assert theirs.pk != mine.pk
    assert theirs.customer_id == other_customer.pk
    mine.refresh_from_db()
    assert mine.full_name == "Mine"


def test_read_only_key_gets_403(read_only_client, customer):
    response = create(read_only_client)

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "This API key is read-only."}
    }
    assert not Contact.objects.exists()


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
def test_other_methods_are_405(client, customer, method):
    response = send(client, method, contact_url())

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "HEAD":
        assert response.json() == {
            "error": {"code": "method_not_allowed", "message": "Only POST method is allowed."}
        }


def test_dry_run_says_what_would_happen_and_writes_nothing(client, customer, seed_definitions):
    body = {
        **fixture("contact_create.json"),
        "attributes": {"email": " Example@Example.com", "age": 35, "Age": 1},
    }
    before = table_counts()

    response = send(client, "POST", contact_url() + "?dry_run=true", body)

    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["result"] == "created"
    contact = response.json()["contact"]
    assert (contact["external_id"], contact["name"], contact["customer_external_id"]) == (
        "C12345",
        "John Doe",
        "12345",
    )
    assert contact["attributes"] == {"email": "example@example.com", "age": 35}
    assert contact["created_at"] is None
    assert [w["path"] for w in response.json()["warnings"]] == ["attributes.Age"]
    assert table_counts() == before


def test_dry_run_of_an_existing_external_id_is_the_same_409(client, customer, workspace):
    contact_make(workspace, customer)

    response = send(client, "POST", contact_url() + "?dry_run=true", fixture_text("contact_create.json"))

    assert response.status_code == 409


def test_idempotency_key_replays_the_first_response(client, customer, workspace):
    first = create(client, HTTP_IDEMPOTENCY_KEY="create-1")
    again = create(client, HTTP_IDEMPOTENCY_KEY="create-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_idempotency_key_with_another_body_is_422(client, customer, workspace):
    create(client, HTTP_IDEMPOTENCY_KEY="create-1")

    response = create(client, {"external_id": "C2", "name": "Jane"}, HTTP_IDEMPOTENCY_KEY="create-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert not Contact.objects.filter(workspace=workspace, external_id="C2").exists()


def test_query_count_does_not_grow_with_the_attributes(client, customer, workspace):
    for n in range(10):
        attribute_definition_create(workspace=workspace, codename=f"attr_{n}", type="number")
    create(client, {"external_id": "warm-up", "name": "First request touches the key"})

    def queries(external_id: str, attribute_count: int) -> int:
        body = {
            "external_id": external_id,
            "name": "John Doe",
            "attributes": {f"attr_{n}": n for n in range(attribute_count)},
        }
        with CaptureQueriesContext(connection) as ctx:
            assert create(client, body).status_code == 200
        return len(ctx.captured_queries)

    assert queries("C-one", 1) == queries("C-ten", 10)
    assert Contact.objects.get(workspace=workspace, external_id="C-ten").attributes == {
        f"attr_{n}": n for n in range(10)
    }
