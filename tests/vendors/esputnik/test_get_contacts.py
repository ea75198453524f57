"""`GET /v1/contacts?email=&sms=&externalCustomerId=&startindex=1&maxrows=500`: a bare array of contacts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.contacts.services import contacts_soft_delete
from apps.ingest.records import IngestSource
from tests.vendors.esputnik.helpers import BASE, stored_contact

pytestmark = pytest.mark.django_db
URL = f"{BASE}/contacts"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()]


def test_a_contact_comes_back_in_the_request_shape(client, seed_storable, seed_fields):
    created = client.post(f"{BASE}/contact", seed_storable, format="json").json()

    response = client.get(URL, {"externalCustomerId": "EM12790"})

    assert response.status_code == 200
    [contact] = response.json()
    assert contact["id"] == created["id"]
    assert contact["firstName"] == "John"
    assert contact["channels"] == [
        {"type": "email", "value": "john.smith@example.com"},
        {"type": "sms", "value": "+12125550123"},
        {"type": "webpush", "value": "subscription-id-12345"},
    ]
    assert contact["address"] == seed_storable["address"]
    assert [(f["name"], f["value"]) for f in contact["fields"]] == [
        ("birthDate", "1990-01-01"),
        ("loyaltyLevel", "Gold"),
    ]
    assert [f["id"] for f in contact["fields"]] == [
        seed_fields["birthDate"].pk,
        seed_fields["loyaltyLevel"].pk,
    ]
    assert [g["name"] for g in contact["groups"]] == ["Newsletter Subscribers"]
    assert (contact["languageCode"], contact["timeZone"]) == ("en", "America/New_York")


def test_search_by_email_sms_or_external_id(client, workspace):
    ann = stored_contact(workspace, email="ann@example.com", phone="+12125550123", external_id="A1")
    stored_contact(workspace, email="bob@example.com", phone="+12125550199", external_id="B1")

    assert ids(client.get(URL, {"email": "ANN@example.com"})) == [ann]
    assert ids(client.get(URL, {"sms": "+1 212 555 0123"})) == [ann]
    assert ids(client.get(URL, {"externalCustomerId": "A1"})) == [ann]
    assert ids(client.get(URL, {"email": "ann@example.com", "externalCustomerId": "B1"})) == []
    assert ids(client.get(URL, {"email": "nobody@example.com"})) == []


def test_startindex_is_one_based_and_maxrows_limits_the_page(client, workspace):
    all_ids = [stored_contact(workspace, email=f"c{i}@example.com") for i in range(5)]

    assert ids(client.get(URL)) == all_ids
    assert ids(client.get(URL, {"startindex": 1, "maxrows": 2})) == all_ids[:2]
    assert ids(client.get(URL, {"startindex": 3, "maxrows": 2})) == all_ids[2:4]
    assert ids(client.get(URL, {"startindex": 6})) == []


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"maxrows": 501}, "maxrows"),
        ({"maxrows": 0}, "maxrows"),
        ({"startindex": 0}, "startindex"),
        ({"startindex": "first"}, "startindex"),
        ({"sms": "not a phone"}, "sms"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, params, name):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == name


def test_deleted_contacts_are_not_listed(client, workspace):
    gone = stored_contact(workspace, email="gone@example.com")
    kept = stored_contact(workspace, email="kept@example.com")
    contacts_soft_delete(workspace_id=workspace.pk, contact_ids=[gone], source=IngestSource(name="test"))

    assert ids(client.get(URL)) == [kept]


def test_another_workspaces_contacts_are_never_listed(client, other_client, workspace, other_workspace):
    ours = stored_contact(workspace, email="same@example.com")
    theirs = stored_contact(other_workspace, email="same@example.com")

    assert ids(client.get(URL, {"email": "same@example.com"})) == [ours]
    assert ids(other_client.get(URL)) == [theirs]


def test_a_read_only_key_may_search(read_only_client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    assert ids(read_only_client.get(URL)) == [contact_id]


def test_a_fixed_number_of_queries_whatever_the_page_size(client, workspace):
    for i in range(12):
        stored_contact(workspace, email=f"c{i}@example.com", lists=("L1", "L2"))
    client.get(URL)  # the key's first use records it

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL, {"maxrows": 1}).json()) == 1
    with CaptureQueriesContext(connection) as twelve:
        assert len(client.get(URL, {"maxrows": 12}).json()) == 12

    assert len(one.captured_queries) == len(twelve.captured_queries)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_unknown_method_is_a_405_in_the_envelope(client, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_trailing_slash_is_the_same_endpoint(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    assert ids(client.get(f"{URL}/")) == [contact_id]
