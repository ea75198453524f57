"""`POST /v1/contact`: add or update one contact, synchronously (the seed)."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import ChannelSubscription, Contact
from apps.lists.models import ContactList, ListMembership
from apps.lists.services import list_create
from tests.vendors.esputnik.helpers import BASE, stored_contact

pytestmark = pytest.mark.django_db
URL = f"{BASE}/contact"


def post(client, body, **extra):
    return client.post(URL, body, format="json", **extra)


def test_seed_request_verbatim_is_a_400_naming_its_placeholder_channel_values(client, seed, seed_fields):
    response = post(client, seed)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("channels[0].value: ")
    assert [(d["path"], d["code"]) for d in error["details"]] == [
        ("channels[0].value", "invalid_email"),
        ("channels[1].value", "invalid_phone"),
    ]
    assert not Contact.objects.exists()


def test_seed_request_creates_the_contact(client, workspace, seed_storable, seed_fields):
    response = post(client, seed_storable)

    assert response.status_code == 200
    contact = Contact.objects.get(workspace=workspace)
    assert response.json() == {"id": contact.pk, "action": "created"}
    assert (contact.first_name, contact.last_name, contact.external_id) == ("John", "Smith", "EM12790")
    assert (contact.email, contact.phone) == ("john.smith@example.com", "+12125550123")
    assert (contact.language, contact.timezone) == ("en", "America/New_York")
    assert (contact.city, contact.region, contact.country, contact.postcode, contact.address_line1) == (
        "New York",
        "NY",
        "US",
        "10001",
        "123 Main Street",
    )
    assert contact.attributes == {"birthDate": "1990-01-01", "loyaltyLevel": "Gold"}
    assert contact.last_source == "esputnik"
    assert sorted(contact.subscriptions.values_list("channel", "address", "status")) == [
        ("email", "john.smith@example.com", "subscribed"),
        ("sms", "+12125550123", "subscribed"),
        ("webpush", "subscription-id-12345", "subscribed"),
    ]
    # Group 1001 is eSputnik's id and names no list here: the group's name does, and is created.
    newsletter = ContactList.objects.get(workspace=workspace)
    assert newsletter.name == "Newsletter Subscribers"
    assert list(ListMembership.objects.values_list("list", "contact", "status")) == [
        (newsletter.pk, contact.pk, "subscribed")
    ]


def test_seed_request_sent_again_updates_the_same_contact(client, workspace, seed_storable, seed_fields):
    first = post(client, seed_storable).json()
    seed_storable["firstName"] = "Johnny"

    response = post(client, seed_storable)

    assert response.json() == {"id": first["id"], "action": "updated"}
    assert Contact.objects.get().first_name == "Johnny"
    assert ContactList.objects.count() == 1
    assert ListMembership.objects.count() == 1
    assert ChannelSubscription.objects.count() == 3


def test_seed_fields_the_workspace_lacks_are_dropped_and_listed_in_warnings(client, seed_storable):
    response = post(client, seed_storable)

    assert response.status_code == 200
    body = response.json()
    assert body["action"] == "created"
    assert [(w["path"], w["code"]) for w in body["warnings"]] == [
        ("fields[0].name", "unknown_attribute"),
        ("fields[1].name", "unknown_attribute"),
    ]
    assert "'birthDate'" in body["warnings"][0]["message"]
    assert Contact.objects.get().attributes == {}


def test_plugin_shape_fields_by_id_and_the_other_address_spelling(client, workspace, seed_fields):
    level = seed_fields["loyaltyLevel"]
    body = {
        "firstName": "Olena",
        "channels": [{"type": "email", "value": "olena@example.com"}],
        "address": {"town": "Kyiv", "region": "Kyiv", "postcode": "01001", "address": "Khreshchatyk 1"},
        "fields": [{"id": level.pk, "value": "Silver"}, {"id": 999999, "value": "x"}],
    }

    response = post(client, body)

    assert response.status_code == 200
    assert [(w["path"], w["code"]) for w in response.json()["warnings"]] == [
        ("fields[1].id", "unknown_attribute")
    ]
    contact = Contact.objects.get()
    assert contact.attributes == {"loyaltyLevel": "Silver"}
    assert (contact.city, contact.region, contact.postcode, contact.address_line1) == (
        "Kyiv",
        "Kyiv",
        "01001",
        "Khreshchatyk 1",
    )


def test_a_built_in_field_by_id_sets_the_contact_column(client, workspace):
    from apps.attributes.models import AttributeDefinition

    company = AttributeDefinition.objects.get(workspace=workspace, codename="company")
    body = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "fields": [{"id": company.pk, "value": "Acme"}],
    }

    assert post(client, body).status_code == 200
    assert Contact.objects.get().company == "Acme"


def test_field_values_sent_as_text_are_typed(client, workspace):
    attribute_definition_create(workspace=workspace, codename="orders", type="number")
    attribute_definition_create(workspace=workspace, codename="vip", type="boolean")
    body = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "fields": [{"name": "orders", "value": "42"}, {"name": "vip", "value": "true"}],
    }

    assert post(client, body).status_code == 200
    assert Contact.objects.get().attributes == {"orders": 42, "vip": True}


def test_a_field_value_of_the_wrong_type_is_a_400_naming_the_field(client, workspace, seed_fields):
    body = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "fields": [{"name": "loyaltyLevel", "value": "Gold"}, {"name": "birthDate", "value": "01/01/1990"}],
    }

    response = post(client, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"][0]["path"] == "fields[1].value"
    assert error["message"].startswith("fields[1].value: 'birthDate': ")
    assert "dropped" not in error["message"]
    assert not Contact.objects.exists()


def test_a_wrong_type_by_id_names_the_field_too(client, seed_fields):
    level = seed_fields["loyaltyLevel"]
    body = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "fields": [{"id": level.pk, "value": "Platinum"}],
    }

    response = post(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("fields[0].value: 'loyaltyLevel': ")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "channels"),
        ({"channels": []}, "channels"),
        ({"channels": [{"type": "email", "value": "nope"}]}, "channels[0].value"),
        ({"channels": [{"type": "sms", "value": "+1234"}]}, "channels[0].value"),
        ({"channels": [{"type": "viber", "value": "x"}]}, "channels[0].type"),
        ({"channels": [{"type": "webpush", "value": "token-only"}]}, "channels"),
        (
            {"channels": [{"type": "email", "value": "a@example.com"}], "timeZone": "Europe/Atlantis"},
            "timeZone",
        ),
        ({"channels": [{"type": "email", "value": "a@example.com"}], "languageCode": 12}, "languageCode"),
        ({"channels": [{"type": "email", "value": "a@example.com"}], "fields": {"a": 1}}, "fields"),
        ({"channels": [{"type": "email", "value": "a@example.com"}], "groups": [{}]}, "groups[0]"),
        ({"channels": [{"type": "email", "value": "a@example.com"}], "address": "Main St"}, "address"),
        ([{"channels": []}], ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, path):
    response = post(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == path
    assert not Contact.objects.exists()


def test_malformed_json_is_a_400_in_the_envelope(client):
    response = client.post(URL, data=b'{"channels": [', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_body_that_is_not_json_is_a_415(client):
    response = client.post(URL, data="channels=email", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert "error" in response.json()


def test_matching_tries_the_external_id_first(client, workspace):
    contact_id = stored_contact(workspace, external_id="EM1", email="old@example.com")

    response = post(
        client, {"externalCustomerId": "EM1", "channels": [{"type": "email", "value": "new@example.com"}]}
    )

    assert response.json() == {"id": contact_id, "action": "updated"}
    assert Contact.objects.get().email == "new@example.com"


def test_matching_falls_back_to_the_email_channel(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    response = post(
        client, {"externalCustomerId": "EM9", "channels": [{"type": "email", "value": "A@Example.com"}]}
    )

    assert response.json() == {"id": contact_id, "action": "updated"}
    assert Contact.objects.get().external_id == "EM9"


def test_matching_falls_back_to_the_sms_channel(client, workspace):
    contact_id = stored_contact(workspace, phone="+12125550123")

    response = post(client, {"firstName": "Ann", "channels": [{"type": "sms", "value": "+1 (212) 555-0123"}]})

    assert response.json() == {"id": contact_id, "action": "updated"}
    assert Contact.objects.get().first_name == "Ann"


def test_keys_of_two_different_contacts_are_a_409_and_nothing_merges(client, workspace):
    stored_contact(workspace, external_id="EM1", email="one@example.com")
    stored_contact(workspace, email="two@example.com")

    response = post(
        client, {"externalCustomerId": "EM1", "channels": [{"type": "email", "value": "two@example.com"}]}
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "identity_conflict"
    assert error["details"][0]["path"] == "channels[0].value"
    assert set(Contact.objects.values_list("external_id", "email")) == {
        ("EM1", "one@example.com"),
        (None, "two@example.com"),
    }


def test_a_known_email_with_another_external_id_is_a_409(client, workspace):
    # A contact keeps the external id it has: another one, with its email, is another person's.
    stored_contact(workspace, external_id="OLD", email="a@example.com")

    response = post(
        client, {"externalCustomerId": "NEW", "channels": [{"type": "email", "value": "a@example.com"}]}
    )

    assert response.status_code == 409
    assert Contact.objects.get().external_id == "OLD"


def test_absent_keys_keep_and_null_clears(client, workspace):
    stored_contact(workspace, email="a@example.com", first_name="Ann", last_name="Lee", city="Oslo")

    post(client, {"channels": [{"type": "email", "value": "a@example.com"}], "lastName": None})

    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.city) == ("Ann", None, "Oslo")


def test_an_upsert_restores_a_soft_deleted_contact(client, workspace):
    from apps.contacts.services import contacts_soft_delete
    from apps.ingest.records import IngestSource

    contact_id = stored_contact(workspace, email="a@example.com")
    contacts_soft_delete(
        workspace_id=workspace.pk, contact_ids=[contact_id], source=IngestSource(name="test")
    )

    response = post(client, {"channels": [{"type": "email", "value": "a@example.com"}]})

    assert response.json() == {"id": contact_id, "action": "updated"}
    assert Contact.objects.get().deleted_at is None


def test_groups_by_list_id_and_by_existing_name(client, workspace):
    vip = list_create(workspace_id=workspace.pk, name="VIP")
    news = list_create(workspace_id=workspace.pk, name="News")
    body = {
        "channels": [{"type": "email", "value": "a@example.com"}],
        "groups": [
            {"id": vip.public_id},
            {"name": "News"},
            {"id": vip.public_id, "name": "Renamed elsewhere"},
        ],
    }

    response = post(client, body)

    assert response.status_code == 200
    assert "warnings" not in response.json()
    assert sorted(ListMembership.objects.values_list("list_id", flat=True)) == sorted([vip.pk, news.pk])
    assert ContactList.objects.count() == 2


def test_a_group_id_that_names_no_list_is_a_warning(client, workspace):
    body = {"channels": [{"type": "email", "value": "a@example.com"}], "groups": [{"id": 1001}]}

    response = post(client, body)

    assert response.status_code == 200
    assert [(w["path"], w["code"]) for w in response.json()["warnings"]] == [("groups", "unknown_list")]
    assert not ContactList.objects.exists()


def test_another_workspaces_contact_is_never_matched_or_changed(
    client, workspace, other_workspace, seed_storable
):
    theirs = stored_contact(
        other_workspace, external_id="EM12790", email="john.smith@example.com", first_name="Theirs"
    )

    response = post(client, seed_storable)

    assert response.json()["action"] == "created"
    assert response.json()["id"] != theirs
    assert Contact.objects.get(pk=theirs).first_name == "Theirs"
    assert Contact.objects.get(pk=theirs).attributes == {}
    assert not ContactList.objects.filter(workspace=other_workspace).exists()


def test_another_workspaces_key_does_not_change_ours(other_client, workspace, seed_storable):
    ours = stored_contact(workspace, external_id="EM12790", first_name="Ours")

    response = post(other_client, seed_storable)

    assert response.json()["id"] != ours
    assert Contact.objects.get(pk=ours).first_name == "Ours"


def test_a_read_only_key_is_a_403(read_only_client, seed_storable):
    response = post(read_only_client, seed_storable)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Contact.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_an_unknown_method_is_a_405_in_the_envelope(client, method):
    response = getattr(client, method)(URL, {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_trailing_slash_is_the_same_endpoint(client):
    response = client.post(
        f"{URL}/", {"channels": [{"type": "email", "value": "a@example.com"}]}, format="json"
    )

    assert response.status_code == 200


def test_dry_run_of_a_new_contact_writes_nothing(client, seed_storable, seed_fields):
    response = client.post(f"{URL}?dry_run=true", seed_storable, format="json")

    assert response.status_code == 200
    assert response.json() == {"id": None, "action": "created", "dryRun": True}
    assert not Contact.objects.exists()
    assert not ContactList.objects.exists()


def test_dry_run_of_an_update_names_the_contact_and_changes_nothing(
    client, workspace, seed_storable, seed_fields
):
    contact_id = stored_contact(workspace, external_id="EM12790", first_name="Old")

    response = client.post(f"{URL}?dry_run=true", seed_storable, format="json")

    assert response.json() == {"id": contact_id, "action": "updated", "dryRun": True}
    contact = Contact.objects.get()
    assert (contact.first_name, contact.email, contact.attributes) == ("Old", None, {})
    assert not ChannelSubscription.objects.exists()
    assert not ListMembership.objects.exists()


def test_dry_run_still_rejects_bad_values(client, seed):
    response = client.post(f"{URL}?dry_run=true", seed, format="json")

    assert response.status_code == 400


def test_an_idempotency_key_replays_the_stored_response(client, seed_storable):
    first = post(client, seed_storable, HTTP_IDEMPOTENCY_KEY="k-1")
    changed = copy.deepcopy(seed_storable)
    changed["firstName"] = "Jim"
    Contact.objects.update(first_name="Edited meanwhile")

    replay = post(client, seed_storable, HTTP_IDEMPOTENCY_KEY="k-1")
    reused = post(client, changed, HTTP_IDEMPOTENCY_KEY="k-1")

    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Contact.objects.get().first_name == "Edited meanwhile"  # not written a second time
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def _queries(client, body) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = post(client, body)
    assert response.status_code == 200, response.json()
    assert "warnings" not in response.json(), response.json()
    return len(captured.captured_queries)


def _body(name: str, first_name: str, fields: list[dict], groups: list[dict]) -> dict:
    return {
        "externalCustomerId": name,
        "firstName": first_name,
        "channels": [{"type": "email", "value": f"{name}@example.com"}, {"type": "webpush", "value": name}],
        "fields": fields,
        "groups": groups,
    }


def by_name(n: int, value: str) -> list[dict]:
    return [{"name": f"f{i}", "value": value} for i in range(n)]


def test_a_fixed_number_of_queries_whatever_the_fields_and_groups(client, workspace):
    ids = [attribute_definition_create(workspace=workspace, codename=f"f{i}").pk for i in range(10)]
    lists = [list_create(workspace_id=workspace.pk, name=f"L{i}").public_id for i in range(5)]
    client.get(f"{BASE}/contacts")  # the key's first use records it; later requests do not
    _queries(client, _body("warm", "A", [], []))  # definitions are read once per change, then kept

    # New contacts, groups by name that create their lists.
    new_small = _queries(client, _body("small", "A", by_name(1, "a"), [{"name": "New0"}]))
    new_large = _queries(
        client, _body("large", "A", by_name(10, "a"), [{"name": f"New{i}"} for i in range(1, 6)])
    )
    # Updates that change the name and every field and join existing lists by id.
    update_small = _queries(client, _body("small", "B", by_name(1, "b"), [{"id": lists[0]}]))
    update_large = _queries(client, _body("large", "B", by_name(10, "b"), [{"id": i} for i in lists]))
    # Fields by numeric id, and groups sent with both id and name (one look-up for all of them).
    by_id = _queries(
        client,
        _body(
            "small",
            "C",
            [{"id": pk, "value": "c"} for pk in ids],
            [{"id": i, "name": f"L{n}"} for n, i in enumerate(lists[1:], start=1)],
        ),
    )

    # Without groups the list look-up and write are skipped: fewer queries, never more.
    no_groups = _queries(client, _body("bare", "A", by_name(10, "a"), []))

    assert new_small == new_large
    assert no_groups < new_small
    assert update_small == update_large
    assert by_id == update_small + 1  # the group ids sent with names: one query for all of them
