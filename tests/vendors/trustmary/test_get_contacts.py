"""GET /trustmary/v1/contacts: by email, offset pages of 1000, `includeAll` (`specs/trustmary.md`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.contacts.models import Contact
from tests.vendors.trustmary.conftest import BASE, contact_make, fixture

pytestmark = pytest.mark.django_db

URL = f"{BASE}/contacts"
CONTACT_KEYS = set(fixture("contact_object.json")) | {"eid"}


def emails(response) -> list[str]:
    return [c["email"] for c in response.json()["contacts"]]


def test_lists_contacts_in_the_seeds_shape(client, workspace):
    stored = contact_make(
        workspace,
        email="anna@example.com",
        external_id="crm-1",
        full_name="Anna Virtanen",
        phone="+358501234567",
        company="Company Ltd",
        attributes={"score": 9},
        last_action="IMPORT_CREATE",
    )

    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"contacts"}
    (contact,) = body["contacts"]
    assert set(contact) == CONTACT_KEYS | {"field_score"}
    assert contact["id"] == stored.public_id
    assert contact["eid"] == "crm-1"
    assert contact["name"] == "Anna Virtanen"
    assert contact["status"] == "active"
    assert contact["last_action"] == "IMPORT_CREATE"
    assert contact["field_score"] == 9
    assert contact["created_at"].endswith("Z")


def test_trailing_slash_is_accepted(client, workspace):
    assert client.get(URL + "/").status_code == 200


def test_by_email_trimmed_and_lower_cased(client, workspace):
    contact_make(workspace, email="anna@example.com")
    contact_make(workspace, email="bob@example.com")

    response = client.get(URL, {"email": "  Anna@Example.COM "})

    assert emails(response) == ["anna@example.com"]


def test_unknown_email_is_an_empty_array(client, workspace):
    contact_make(workspace, email="anna@example.com")

    response = client.get(URL, {"email": "nobody@example.com"})

    assert response.status_code == 200
    assert response.json() == {"contacts": []}


def test_deleted_contacts_are_left_out_unless_include_all(client, workspace):
    contact_make(workspace, email="live@example.com")
    contact_make(workspace, email="gone@example.com", deleted_at=timezone.now())

    assert emails(client.get(URL)) == ["live@example.com"]
    assert client.get(URL, {"email": "gone@example.com"}).json() == {"contacts": []}
    everyone = client.get(URL, {"includeAll": "true"})
    assert sorted(emails(everyone)) == ["gone@example.com", "live@example.com"]
    gone = client.get(URL, {"email": "gone@example.com", "includeAll": "true"}).json()["contacts"]
    assert gone[0]["status"] == "deleted"
    assert gone[0]["deleted_at"] is not None


def test_pages_of_1000_ordered_by_creation_then_id(client, workspace):
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    Contact.objects.bulk_create(
        [
            Contact(
                workspace=workspace, email=f"c{i:04d}@example.com", created_at=start + dt.timedelta(seconds=i)
            )
            for i in range(1002)
        ]
    )
    # Same creation time as the first: the id breaks the tie, so it comes second.
    contact_make(workspace, email="tie@example.com", created_at=start)

    first = emails(client.get(URL))
    second = emails(client.get(URL, {"offset": "1000"}))
    beyond = emails(client.get(URL, {"offset": "2000"}))

    assert len(first) == 1000
    assert first[:3] == ["c0000@example.com", "tie@example.com", "c0001@example.com"]
    assert second == ["c0999@example.com", "c1000@example.com", "c1001@example.com"]
    assert beyond == []


@pytest.mark.parametrize(
    ("params", "path"),
    [({"offset": "-5"}, "offset"), ({"offset": "ten"}, "offset"), ({"includeAll": "perhaps"}, "includeAll")],
)
def test_bad_query_is_400_naming_the_parameter(client, params, path):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == path


def test_other_workspaces_key_sees_nothing_of_ours(other_client, workspace):
    contact_make(workspace, email="anna@example.com")

    assert other_client.get(URL).json() == {"contacts": []}
    assert other_client.get(URL, {"email": "anna@example.com", "includeAll": "true"}).json() == {
        "contacts": []
    }


def test_read_only_key_may_read(read_only_client, workspace):
    contact_make(workspace, email="anna@example.com")

    assert emails(read_only_client.get(URL)) == ["anna@example.com"]


@pytest.mark.django_db
def test_missing_key_is_401(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
