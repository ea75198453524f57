"""`PUT /customer/{customer_external_id}/contact/{contact_external_id}`: update the name and attributes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact, ContactChange, Customer
from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from tests.vendors.customerscore.conftest import (
    SEED_CONTACT,
    contact_make,
    contact_url,
    fixture_text,
    send,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(workspace, customer) -> Contact:
    return contact_make(
        workspace, customer, full_name="Johnny", first_name="John", attributes={"age": 30, "nickname": "JJ"}
    )


def update(client, body=None, customer: str = "12345", contact: str = SEED_CONTACT, **extra):
    text = fixture_text("contact_update.json") if body is None else body
    return send(client, "PUT", contact_url(customer, contact), text, **extra)


def test_updates_the_name_and_attributes(client, stored, customer, seed_definitions, api_key):
    response = update(client)

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "updated"
    assert body["warnings"] == []
    assert body["contact"]["name"] == "John Doe"
    assert body["contact"]["customer_external_id"] == "12345"
    assert body["contact"]["attributes"] == {
        "email": "example@example.com",
        "phone": "+4207123456789",
        "city": "Brno",
        "first_name": "John",
        "age": 35,
        "is_admin": True,
        "last_contacted_at": "2025-04-25",
        "nickname": "JJ",  # attributes merge key by key
    }
    stored.refresh_from_db()
    assert (stored.full_name, stored.email, stored.phone, stored.city) == (
        "John Doe",
        "example@example.com",
        "+4207123456789",
        "Brno",
    )
    assert stored.first_name == "John"  # the name is not split into first and last
    assert stored.customer_id == customer.pk
    assert stored.attributes == {
        "age": 35,
        "is_admin": True,
        "last_contacted_at": "2025-04-25",
        "nickname": "JJ",
    }
    assert (stored.last_source, stored.last_api_key_id) == ("customerscore", api_key.api_key.pk)
    assert ContactChange.objects.filter(contact=stored, action="updated").count() == 1


def test_the_name_alone_is_enough(client, stored):
    response = update(client, {"name": "John Doe"})

    assert response.status_code == 200
    stored.refresh_from_db()
    assert (stored.full_name, stored.attributes) == ("John Doe", {"age": 30, "nickname": "JJ"})


def test_the_same_values_are_unchanged(client, stored):
    response = update(client, {"name": "Johnny"})

    assert response.status_code == 200
    assert response.json()["result"] == "unchanged"


def test_null_removes_an_attribute(client, stored, workspace):
    attribute_definition_create(workspace=workspace, codename="nickname")

    response = update(client, {"name": "Johnny", "attributes": {"nickname": None}})

    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.attributes == {"age": 30}


def test_attribute_keys_are_case_sensitive_and_others_dropped_with_a_warning(
    client, stored, seed_definitions
):
    response = update(client, {"name": "Johnny", "attributes": {"AGE": 31, "is_admin": "yes"}})

    assert response.status_code == 200
    assert {(w["path"], w["code"]) for w in response.json()["warnings"]} == {
        ("attributes.AGE", "unknown_attribute"),
        ("attributes.is_admin", "invalid_value"),
    }
    stored.refresh_from_db()
    assert stored.attributes == {"age": 30, "nickname": "JJ"}


@pytest.mark.parametrize(
    ("customer_id", "contact_id"),
    [("nobody", SEED_CONTACT), ("12345", "C-nobody")],
    ids=["unknown customer", "unknown contact"],
)
def test_unknown_customer_or_contact_is_404(client, stored, customer_id, contact_id):
    response = update(client, customer=customer_id, contact=contact_id)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Customer or contact not found"}}


def test_a_contact_of_another_customer_is_404(client, stored, workspace):
    Customer.objects.create(workspace=workspace, external_id="999", name="Another customer")

    response = update(client, customer="999")

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.full_name == "Johnny"


def test_a_deleted_contact_is_404_and_stays_deleted(client, stored, workspace):
    contacts_soft_delete(workspace_id=workspace.pk, contact_ids=[stored.pk], source=IngestSource(name="test"))

    response = update(client)

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert stored.full_name == "Johnny"


def test_another_workspace_cannot_change_our_contact(other_client, stored, other_customer):
    response = update(other_client)

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.full_name == "Johnny"


def test_an_email_of_another_contact_is_a_409_naming_it(client, stored, workspace):
    contact_make(workspace, None, external_id="C-other", email="taken@example.com")

    response = update(client, {"name": "Johnny", "attributes": {"email": "taken@example.com"}})

    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["path"] == "attributes.email"
    stored.refresh_from_db()
    assert stored.email is None


def test_a_missing_name_is_400(client, stored):
    response = update(client, {"attributes": {"age": 31}})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "name: This field is required."


def test_another_external_id_in_the_body_is_400(client, stored):
    response = update(client, {"name": "John", "external_id": "C-renamed"})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "external_id"


def test_read_only_key_gets_403(read_only_client, stored):
    response = update(read_only_client)

    assert response.status_code == 403
    stored.refresh_from_db()
    assert stored.full_name == "Johnny"


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "OPTIONS"])
def test_other_methods_are_405(client, stored, method):
    response = send(client, method, contact_url("12345", SEED_CONTACT))

    assert response.status_code == 405
    assert response["Allow"] == "PUT, DELETE"
    assert response.json() == {
        "error": {"code": "method_not_allowed", "message": "Only PUT and DELETE methods are allowed."}
    }


def test_dry_run_says_what_would_happen_and_writes_nothing(client, stored, seed_definitions):
    before = table_counts()

    response = send(
        client,
        "PUT",
        contact_url("12345", SEED_CONTACT) + "?dry_run=true",
        fixture_text("contact_update.json"),
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["result"]) == (True, "updated")
    assert body["contact"]["name"] == "John Doe"
    assert body["contact"]["attributes"]["phone"] == "+4207123456789"
    assert body["contact"]["attributes"]["age"] == 35
    assert body["contact"]["created_at"] is not None
    assert table_counts() == before
    stored.refresh_from_db()
    assert (stored.full_name, stored.attributes) == ("Johnny", {"age": 30, "nickname": "JJ"})


def test_idempotency_key_replays_the_first_response(client, stored):
    first = update(client, {"name": "First"}, HTTP_IDEMPOTENCY_KEY="put-1")
    again = update(client, {"name": "First"}, HTTP_IDEMPOTENCY_KEY="put-1")

    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["result"] == "updated"  # replayed, not re-applied (that would say unchanged)
    assert again["Idempotent-Replayed"] == "true"


def test_idempotency_key_with_another_body_is_422(client, stored):
    update(client, {"name": "First"}, HTTP_IDEMPOTENCY_KEY="put-1")

    response = update(client, {"name": "Second"}, HTTP_IDEMPOTENCY_KEY="put-1")

    assert response.status_code == 422
    stored.refresh_from_db()
    assert stored.full_name == "First"


def test_query_count_does_not_grow_with_the_attributes(client, workspace, customer):
    for n in range(10):
        attribute_definition_create(workspace=workspace, codename=f"attr_{n}", type="number")
    for external_id in ("C-one", "C-ten"):
        contact_make(workspace, customer, external_id=external_id, attributes={"attr_0": -1})
    update(client, {"name": "warm-up"}, contact="C-one")  # the first request of a key records its use

    def queries(external_id: str, attribute_count: int) -> int:
        body = {"name": "John Doe", "attributes": {f"attr_{n}": n for n in range(attribute_count)}}
        with CaptureQueriesContext(connection) as ctx:
            assert update(client, body, contact=external_id).status_code == 200
        return len(ctx.captured_queries)

    assert queries("C-one", 1) == queries("C-ten", 10)
    assert Contact.objects.get(workspace=workspace, external_id="C-ten").attributes == {
        f"attr_{n}": n for n in range(10)
    }
