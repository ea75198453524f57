"""`DELETE /customer/{customer_external_id}/contact/{contact_external_id}`: soft delete."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact, ContactChange, Customer
from apps.contacts.selectors import contact_get
from tests.vendors.customerscore.conftest import SEED_CONTACT, contact_make, contact_url, send, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(workspace, customer) -> Contact:
    return contact_make(workspace, customer, full_name="John Doe", email="john@example.com")


def delete(client, customer: str = "12345", contact: str = SEED_CONTACT, query: str = "", **extra):
    return send(client, "DELETE", contact_url(customer, contact) + query, **extra)


def test_deletes_softly_and_answers_with_the_contact(client, stored, workspace, api_key):
    response = delete(client)

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "deleted"
    assert body["contact"]["external_id"] == SEED_CONTACT
    assert body["contact"]["attributes"] == {"email": "john@example.com"}
    assert body["contact"]["deleted_at"] is not None
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert stored.email == "john@example.com"  # the contact keeps its identity
    assert (stored.last_source, stored.last_api_key_id) == ("customerscore", api_key.api_key.pk)
    assert contact_get(workspace_id=workspace.pk, external_id=SEED_CONTACT) is None
    assert ContactChange.objects.filter(contact=stored, action="deleted").count() == 1


def test_a_deleted_contact_is_404_the_second_time(client, stored):
    delete(client)

    response = delete(client)

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Customer or contact not found"


@pytest.mark.parametrize(
    ("customer_id", "contact_id"),
    [("nobody", SEED_CONTACT), ("12345", "C-nobody")],
    ids=["unknown customer", "unknown contact"],
)
def test_unknown_customer_or_contact_is_404(client, stored, customer_id, contact_id):
    response = delete(client, customer=customer_id, contact=contact_id)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Customer or contact not found"}}
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_a_contact_of_another_customer_is_404(client, stored, workspace):
    Customer.objects.create(workspace=workspace, external_id="999", name="Another customer")

    assert delete(client, customer="999").status_code == 404
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_another_workspace_cannot_delete_our_contact(other_client, stored, other_customer):
    response = delete(other_client)

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_read_only_key_gets_403(read_only_client, stored):
    response = delete(read_only_client)

    assert response.status_code == 403
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_dry_run_says_what_would_happen_and_writes_nothing(client, stored):
    before = table_counts()

    response = delete(client, query="?dry_run=true")

    assert response.status_code == 200
    assert (response.json()["dry_run"], response.json()["result"]) == (True, "deleted")
    assert response.json()["contact"]["external_id"] == SEED_CONTACT
    assert table_counts() == before
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_idempotency_key_replays_the_first_response(client, stored):
    first = delete(client, HTTP_IDEMPOTENCY_KEY="del-1")
    again = delete(client, HTTP_IDEMPOTENCY_KEY="del-1")

    assert again.status_code == 200  # not the 404 a second delete would get
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_idempotency_key_on_another_contact_is_422(client, stored, workspace, customer):
    other = contact_make(workspace, customer, external_id="C-2")
    delete(client, HTTP_IDEMPOTENCY_KEY="del-1")

    response = delete(client, contact="C-2", HTTP_IDEMPOTENCY_KEY="del-1")

    assert response.status_code == 422
    other.refresh_from_db()
    assert other.deleted_at is None
