"""DELETE /trustmary/v1/contacts with body {"email"}: soft delete (`specs/trustmary.md`)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.contacts.models import Contact
from tests.vendors.trustmary.conftest import BASE, contact_make, fixture, table_counts

pytestmark = pytest.mark.django_db

URL = f"{BASE}/contacts"
CONTACT_KEYS = set(fixture("contact_object.json")) | {"eid"}


def delete(client, body, url=URL, **extra):
    return client.delete(url, body, format="json", **extra)


@pytest.fixture
def anna(workspace) -> Contact:
    return contact_make(workspace, email="anna@example.com", full_name="Anna")


def test_soft_deletes_and_returns_the_contact(client, anna):
    response = delete(client, {"email": "anna@example.com"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"contact"}
    assert set(body["contact"]) == CONTACT_KEYS
    assert body["contact"]["id"] == anna.public_id
    assert body["contact"]["status"] == "deleted"
    assert body["contact"]["deleted_at"].endswith("Z")
    anna.refresh_from_db()
    assert anna.deleted_at is not None
    assert anna.email == "anna@example.com"  # soft: the contact keeps its identity
    assert anna.last_source == "trustmary"


def test_email_is_trimmed_and_lower_cased(client, anna):
    assert delete(client, {"email": " ANNA@example.com"}).status_code == 200


def test_trailing_slash_is_accepted(client, anna):
    assert delete(client, {"email": "anna@example.com"}, url=URL + "/").status_code == 200


def test_unknown_email_is_404(client, anna):
    response = delete(client, {"email": "nobody@example.com"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_already_deleted_is_404(client, workspace):
    contact_make(workspace, email="gone@example.com", deleted_at=timezone.now())

    assert delete(client, {"email": "gone@example.com"}).status_code == 404


def test_vendor_sample_body_is_400_naming_email(client, anna):
    response = delete(client, fixture("delete_contact_request.json"))

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "email"


@pytest.mark.parametrize("body", [{}, {"email": None}, {"eid": "x"}])
def test_missing_email_is_400(client, anna, body):
    response = delete(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "email"


def test_no_body_is_400(client, anna):
    response = client.delete(URL)

    assert response.status_code == 400


def test_other_workspaces_key_cannot_delete_ours(other_client, anna):
    response = delete(other_client, {"email": "anna@example.com"})

    assert response.status_code == 404
    anna.refresh_from_db()
    assert anna.deleted_at is None


def test_read_only_key_is_403(read_only_client, anna):
    response = delete(read_only_client, {"email": "anna@example.com"})

    assert response.status_code == 403
    anna.refresh_from_db()
    assert anna.deleted_at is None


def test_dry_run_says_what_would_happen_and_deletes_nothing(client, anna):
    before = table_counts()

    response = delete(client, {"email": "anna@example.com"}, url=URL + "?dry_run=true")

    body = response.json()
    assert response.status_code == 200
    assert body["dryRun"] is True
    assert body["contact"]["status"] == "deleted"
    assert body["contact"]["deleted_at"] is not None
    anna.refresh_from_db()
    assert anna.deleted_at is None
    assert table_counts() == before


def test_dry_run_of_an_unknown_email_is_404(client, anna):
    assert delete(client, {"email": "nobody@example.com"}, url=URL + "?dry_run=true").status_code == 404


def test_idempotency_key_replays_the_first_answer(client, anna):
    first = delete(client, {"email": "anna@example.com"}, HTTP_IDEMPOTENCY_KEY="d-1")

    again = delete(client, {"email": "anna@example.com"}, HTTP_IDEMPOTENCY_KEY="d-1")

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_idempotency_key_with_another_body_is_422(client, anna, workspace):
    contact_make(workspace, email="bob@example.com")
    delete(client, {"email": "anna@example.com"}, HTTP_IDEMPOTENCY_KEY="d-1")

    response = delete(client, {"email": "bob@example.com"}, HTTP_IDEMPOTENCY_KEY="d-1")

    assert response.status_code == 422
    assert Contact.objects.get(email="bob@example.com").deleted_at is None


def test_deleted_contact_is_gone_from_get_and_back_after_post(client, anna):
    delete(client, {"email": "anna@example.com"})

    assert client.get(URL).json() == {"contacts": []}
    restored = client.post(URL, {"email": "anna@example.com"}, format="json").json()
    assert restored["contact"]["id"] == anna.public_id
    assert restored["contact"]["status"] == "active"
