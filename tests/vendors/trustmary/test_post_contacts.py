"""POST /trustmary/v1/contacts: create or update one contact by email (`specs/trustmary.md`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import (
    attribute_definition_archive,
    attribute_definition_create,
    attribute_definition_update,
)
from apps.contacts.models import Contact
from apps.workspaces.services import api_key_create
from tests.vendors.trustmary.conftest import (
    BASE,
    REAL_EMAIL,
    client_for,
    contact_make,
    fixture,
    list_make,
    membership_make,
    memberships,
    table_counts,
)

pytestmark = pytest.mark.django_db

URL = f"{BASE}/contacts"
CONTACT_KEYS = set(fixture("contact_object.json")) | {"eid"}


def post(client, body, url=URL, **extra):
    return client.post(url, body, format="json", **extra)


def seed_body() -> dict:
    body = fixture("create_contact_request.json")
    body["email"] = REAL_EMAIL
    return body


@pytest.fixture
def seed_list(workspace):
    return list_make(workspace, "MDyzFBay3", "Customers")


def error_paths(response) -> list[str]:
    return [d["path"] for d in response.json()["error"]["details"]]


# --- the seed's example -------------------------------------------------------------------------------------


def test_seed_example_verbatim_is_400_naming_email(client, seed_list):
    before = table_counts()

    response = post(client, fixture("create_contact_request.json"))

    assert response.status_code == 400
    assert error_paths(response) == ["email"]
    assert response.json()["error"]["message"].startswith("email: ")
    assert table_counts() == before


def test_seed_example_creates_the_contact(client, workspace, seed_list):
    response = post(client, seed_body())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(fixture("create_contact_response.json"))
    assert body["action"] == "IMPORT_CREATE"
    assert body["listsUpdated"] == 1
    assert set(body["contact"]) == CONTACT_KEYS
    stored = Contact.objects.get(workspace=workspace, email=REAL_EMAIL)
    assert body["contact"] | {"created_at": None, "updated_at": None} == {
        "id": stored.public_id,
        "email": REAL_EMAIL,
        "eid": None,
        "name": "Contact Name",
        "phone": "+358501234567",
        "company": "Company Ltd",
        "type": "customer",
        "status": "active",
        "created_at": None,
        "updated_at": None,
        "deleted_at": None,
        "last_action": "IMPORT_CREATE",
    }
    assert body["contact"]["created_at"].endswith("Z")
    assert (stored.full_name, stored.phone, stored.company, stored.type) == (
        "Contact Name",
        "+358501234567",
        "Company Ltd",
        "customer",
    )
    assert stored.last_source == "trustmary"
    assert memberships(stored) == {"MDyzFBay3"}


def test_seed_example_again_updates_and_adds_no_list(client, workspace, seed_list):
    first = post(client, seed_body()).json()

    response = post(client, seed_body() | {"company": "Company Oy"})

    body = response.json()
    assert response.status_code == 200
    assert body["action"] == "IMPORT_UPDATE"
    assert body["listsUpdated"] == 0
    assert body["contact"]["id"] == first["contact"]["id"]
    assert body["contact"]["company"] == "Company Oy"
    assert body["contact"]["last_action"] == "IMPORT_UPDATE"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_unchanged_contact_is_still_import_update(client, seed_list):
    post(client, seed_body())

    response = post(client, seed_body())

    assert response.json()["action"] == "IMPORT_UPDATE"


def test_trailing_slash_is_accepted(client, seed_list):
    response = post(client, seed_body(), url=URL + "/")

    assert response.status_code == 200


# --- matching -----------------------------------------------------------------------------------------------


def test_matched_on_trimmed_lower_cased_email(client, workspace):
    stored = contact_make(workspace, email="anna@example.com", company="Old")

    response = post(client, {"email": "  ANNA@Example.com ", "company": "New"})

    assert response.json()["action"] == "IMPORT_UPDATE"
    stored.refresh_from_db()
    assert stored.company == "New"


def test_absent_fields_are_kept_and_null_clears(client, workspace):
    stored = contact_make(workspace, email="anna@example.com", company="Acme", phone="+358501234567")

    post(client, {"email": "anna@example.com", "company": None})

    stored.refresh_from_db()
    assert stored.company is None
    assert stored.phone == "+358501234567"


def test_soft_deleted_contact_is_restored(client, workspace):
    from django.utils import timezone

    stored = contact_make(workspace, email="anna@example.com", deleted_at=timezone.now())

    response = post(client, {"email": "anna@example.com"})

    assert response.json()["action"] == "IMPORT_UPDATE"
    assert response.json()["contact"]["status"] == "active"
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_eid_of_another_contact_is_409_naming_eid(client, workspace):
    contact_make(workspace, email="other@example.com", external_id="crm-1")
    before = table_counts()

    response = post(client, {"email": "anna@example.com", "eid": "crm-1"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "identity_conflict"
    assert error_paths(response) == ["eid"]
    assert table_counts() == before


def test_changing_a_contacts_eid_updates_it(client, workspace):
    # Trustmary identifies contacts by email, so the eid is data: it may change, and null clears it.
    contact_make(workspace, email="anna@example.com", external_id="crm-1")

    changed = post(client, {"email": "anna@example.com", "eid": "crm-2"})
    assert changed.status_code == 200
    assert Contact.objects.get(workspace=workspace).external_id == "crm-2"

    cleared = post(client, {"email": "anna@example.com", "eid": None})
    assert cleared.status_code == 200
    assert Contact.objects.get(workspace=workspace).external_id is None


def test_eid_is_stored(client, workspace):
    response = post(client, {"email": "anna@example.com", "eid": "crm-7"})

    assert response.json()["contact"]["eid"] == "crm-7"
    assert Contact.objects.get(workspace=workspace).external_id == "crm-7"


# --- fields -------------------------------------------------------------------------------------------------


def test_type_employee(client, workspace):
    response = post(client, {"email": "anna@example.com", "type": "employee"})

    assert response.json()["contact"]["type"] == "employee"


def test_type_defaults_to_customer(client, workspace):
    assert post(client, {"email": "anna@example.com"}).json()["contact"]["type"] == "customer"


def test_other_type_is_400_and_stores_nothing(client):
    before = table_counts()

    response = post(client, {"email": "anna@example.com", "type": "partner"})

    assert response.status_code == 400
    assert error_paths(response) == ["type"]
    assert table_counts() == before


@pytest.mark.parametrize("body", [{}, {"name": "No Email"}, {"email": None}])
def test_missing_email_is_400(client, body):
    response = post(client, body)

    assert response.status_code == 400
    assert error_paths(response) == ["email"]


def test_invalid_email_is_400(client):
    response = post(client, {"email": "anna.example.com"})

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("email: ")


def test_invalid_phone_is_400(client):
    response = post(client, {"email": "anna@example.com", "phone": "call me"})

    assert response.status_code == 400
    assert error_paths(response) == ["phone"]


def test_process_name_stores_first_and_last(client, workspace):
    response = post(client, {"email": "anna@example.com", "name": "Anna Maria Virtanen", "processName": True})

    stored = Contact.objects.get(workspace=workspace)
    assert (stored.full_name, stored.first_name, stored.last_name) == (
        "Anna Maria Virtanen",
        "Anna",
        "Maria Virtanen",
    )
    assert response.json()["contact"]["name"] == "Anna Maria Virtanen"


def test_without_process_name_first_and_last_are_untouched(client, workspace):
    contact_make(workspace, email="anna@example.com", first_name="Anna", last_name="V")

    post(client, {"email": "anna@example.com", "name": "Anna Virtanen"})

    stored = Contact.objects.get(workspace=workspace)
    assert (stored.full_name, stored.first_name, stored.last_name) == ("Anna Virtanen", "Anna", "V")


def test_custom_fields_are_stored_and_returned(client, workspace):
    attribute_definition_create(workspace=workspace, codename="score", type="number")
    attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free", "pro"])

    response = post(client, {"email": "anna@example.com", "field_score": 9, "field_plan": "pro"})

    assert response.status_code == 200
    assert response.json()["contact"]["field_score"] == 9
    assert response.json()["contact"]["field_plan"] == "pro"
    assert Contact.objects.get(workspace=workspace).attributes == {"score": 9, "plan": "pro"}


def test_builtin_codename_as_custom_field_sets_the_column(client, workspace):
    post(client, {"email": "anna@example.com", "field_city": "Oulu"})

    assert Contact.objects.get(workspace=workspace).city == "Oulu"


def test_custom_field_null_removes_it(client, workspace):
    attribute_definition_create(workspace=workspace, codename="score", type="number")
    contact_make(workspace, email="anna@example.com", attributes={"score": 3})

    response = post(client, {"email": "anna@example.com", "field_score": None})

    assert "field_score" not in response.json()["contact"]
    assert Contact.objects.get(workspace=workspace).attributes == {}


def test_unknown_custom_field_is_400_naming_it(client, workspace):
    before = table_counts()

    response = post(client, {"email": "anna@example.com", "field_nope": "x"})

    assert response.status_code == 400
    assert error_paths(response) == ["field_nope"]
    assert table_counts() == before


def test_wrongly_typed_custom_field_is_400_naming_it(client, workspace):
    attribute_definition_create(workspace=workspace, codename="score", type="number")
    before = table_counts()

    response = post(client, {"email": "anna@example.com", "field_score": "lots"})

    assert response.status_code == 400
    assert error_paths(response) == ["field_score"]
    assert table_counts() == before


# --- lists --------------------------------------------------------------------------------------------------


def test_lists_updated_counts_only_new_memberships(client, workspace):
    contact = contact_make(workspace, email="anna@example.com")
    old = list_make(workspace, "old11111")
    list_make(workspace, "new11111")
    membership_make(old, contact)

    response = post(client, {"email": "anna@example.com", "addToLists": ["old11111", "new11111"]})

    assert response.json()["listsUpdated"] == 1
    assert memberships(contact) == {"old11111", "new11111"}


def test_older_add_to_list_spelling(client, workspace):
    list_make(workspace, "legacy11")

    response = post(client, {"email": "anna@example.com", "addToList": ["legacy11"]})

    assert response.json()["listsUpdated"] == 1
    assert memberships(Contact.objects.get(workspace=workspace)) == {"legacy11"}


def test_list_items_as_objects_with_segment(client, workspace):
    list_make(workspace, "seg11111")

    response = post(
        client, {"email": "anna@example.com", "addToLists": [{"id": "seg11111", "segment": "vip"}]}
    )

    assert response.json()["listsUpdated"] == 1
    assert memberships(Contact.objects.get(workspace=workspace)) == {"seg11111"}


def test_remove_from_lists(client, workspace):
    contact = contact_make(workspace, email="anna@example.com")
    keep, drop = list_make(workspace, "keep1111"), list_make(workspace, "drop1111")
    membership_make(keep, contact)
    membership_make(drop, contact)

    response = post(client, {"email": "anna@example.com", "removeFromLists": ["drop1111"]})

    assert response.json()["listsUpdated"] == 0
    assert memberships(contact) == {"keep1111"}


def test_unknown_list_is_400_naming_it_and_stores_nothing(client, workspace):
    list_make(workspace, "real1111")
    before = table_counts()

    response = post(client, {"email": "anna@example.com", "addToLists": ["real1111", "ghost111"]})

    assert response.status_code == 400
    assert error_paths(response) == ["addToLists[1]"]
    assert "ghost111" in response.json()["error"]["message"]
    assert table_counts() == before


def test_unknown_list_to_remove_is_400(client, workspace):
    response = post(client, {"email": "anna@example.com", "removeFromLists": ["ghost111"]})

    assert response.status_code == 400
    assert error_paths(response) == ["removeFromLists[0]"]


def test_deleted_list_is_unknown(client, workspace):
    from django.utils import timezone

    list_make(workspace, "dead1111", deleted_at=timezone.now())

    response = post(client, {"email": "anna@example.com", "addToLists": ["dead1111"]})

    assert response.status_code == 400


# --- keys, methods, bodies ----------------------------------------------------------------------------------


def test_other_workspaces_key_neither_sees_nor_changes_our_contact(other_client, workspace, other_workspace):
    ours = contact_make(workspace, email="anna@example.com", company="Ours")

    response = post(other_client, {"email": "anna@example.com", "company": "Theirs"})

    assert response.json()["action"] == "IMPORT_CREATE"
    assert response.json()["contact"]["id"] != ours.public_id
    ours.refresh_from_db()
    assert ours.company == "Ours"
    assert Contact.objects.get(workspace=other_workspace).company == "Theirs"


def test_other_workspaces_key_cannot_use_our_lists(other_client, workspace):
    list_make(workspace, "ours1111")

    response = post(other_client, {"email": "anna@example.com", "addToLists": ["ours1111"]})

    assert response.status_code == 400
    assert error_paths(response) == ["addToLists[0]"]


def test_read_only_key_is_403(read_only_client):
    before = table_counts()

    response = post(read_only_client, {"email": "anna@example.com"})

    assert response.status_code == 403
    assert "error" in response.json()
    assert table_counts() == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_other_methods_are_405(client, method):
    response = getattr(client, method)(URL, {"email": "anna@example.com"}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_malformed_json_is_400(client):
    response = client.post(URL, b'{"email": ', content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.json()


def test_body_over_5_mb_is_413(client):
    body = b'{"email": "anna@example.com", "name": "' + b"x" * (5 * 1024 * 1024) + b'"}'

    response = client.post(URL, body, content_type="application/json")

    assert response.status_code == 413
    assert "error" in response.json()


def test_form_body_is_415(client):
    response = client.post(URL, {"email": "anna@example.com"})

    assert response.status_code == 415
    assert "error" in response.json()


# --- dry run and idempotency --------------------------------------------------------------------------------


def test_dry_run_create_says_what_would_happen_and_stores_nothing(client, workspace, seed_list):
    before = table_counts()

    response = post(client, seed_body(), url=URL + "?dry_run=true")

    body = response.json()
    assert response.status_code == 200
    assert body["dryRun"] is True
    assert body["action"] == "IMPORT_CREATE"
    assert body["listsUpdated"] == 1
    assert body["contact"]["email"] == REAL_EMAIL
    assert body["contact"]["name"] == "Contact Name"
    assert set(body["contact"]) == CONTACT_KEYS
    assert table_counts() == before


def test_dry_run_update_previews_and_stores_nothing(client, workspace, seed_list):
    stored = contact_make(workspace, email=REAL_EMAIL, company="Old")
    before = table_counts()

    response = post(client, seed_body(), url=URL + "?dry_run=true")

    body = response.json()
    assert body["action"] == "IMPORT_UPDATE"
    assert body["contact"]["id"] == stored.public_id
    assert body["contact"]["company"] == "Company Ltd"
    assert body["listsUpdated"] == 1
    stored.refresh_from_db()
    assert stored.company == "Old"
    assert memberships(stored) == set()
    assert table_counts() == before


def test_dry_run_still_rejects_bad_input(client, workspace):
    response = post(client, {"email": "anna@example.com", "field_nope": 1}, url=URL + "?dry_run=true")

    assert response.status_code == 400


def test_idempotency_key_replays_the_stored_response(client, workspace, seed_list):
    first = post(client, seed_body(), HTTP_IDEMPOTENCY_KEY="k-1")

    again = post(client, seed_body(), HTTP_IDEMPOTENCY_KEY="k-1")

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.json()["action"] == "IMPORT_CREATE"
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_idempotency_key_with_another_body_is_422(client, workspace, seed_list):
    post(client, seed_body(), HTTP_IDEMPOTENCY_KEY="k-1")

    response = post(client, seed_body() | {"company": "Other"}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Contact.objects.get(workspace=workspace).company == "Company Ltd"


# --- performance --------------------------------------------------------------------------------------------


def queries_for(client, body) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = post(client, body)
    assert response.status_code == 200, response.json()
    return len(ctx.captured_queries)


@pytest.fixture
def warm_client(workspace):
    issued = api_key_create(workspace=workspace, name="Perf")
    warm = client_for(issued.key)
    post(warm, {"email": "warm@example.com"})  # the key's first use is recorded once
    return warm


def test_query_count_does_not_grow_with_custom_fields(warm_client, workspace):
    for i in range(10):
        attribute_definition_create(workspace=workspace, codename=f"a{i}", type="string")
    post(warm_client, {"email": "warm@example.com"})  # reads the changed definitions once

    one = queries_for(warm_client, {"email": "one@example.com", "field_a0": "x"})
    ten = queries_for(warm_client, {"email": "ten@example.com", **{f"field_a{i}": "x" for i in range(10)}})
    update_ten = queries_for(
        warm_client, {"email": "ten@example.com", **{f"field_a{i}": "y" for i in range(10)}}
    )
    update_one = queries_for(warm_client, {"email": "one@example.com", "field_a0": "y"})

    assert one == ten
    assert update_one == update_ten


def test_definitions_are_read_once_per_change_not_per_request(warm_client, workspace):
    def definition_reads(body) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert post(warm_client, body).status_code == 200
        return sum("attributes_attributedefinition" in q["sql"] for q in ctx.captured_queries)

    assert definition_reads({"email": "a@example.com"}) == 0  # read by the fixture's request
    attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free"])
    assert definition_reads({"email": "a@example.com", "field_plan": "free"}) == 1
    assert definition_reads({"email": "b@example.com", "field_plan": "free"}) == 0


def test_a_changed_definition_applies_to_the_next_request(warm_client, workspace):
    plan = attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free"])
    assert post(warm_client, {"email": "a@example.com", "field_plan": "free"}).status_code == 200
    assert post(warm_client, {"email": "a@example.com", "field_plan": "pro"}).status_code == 400

    attribute_definition_update(definition=plan, label="Plan", description="", choices=["free", "pro"])
    assert post(warm_client, {"email": "a@example.com", "field_plan": "pro"}).status_code == 200
    assert Contact.objects.get(email="a@example.com").attributes["plan"] == "pro"

    attribute_definition_archive(definition=plan)
    response = post(warm_client, {"email": "a@example.com", "field_plan": "free"})
    assert response.status_code == 400 and "archived" in response.content.decode()
    assert Contact.objects.get(email="a@example.com").attributes["plan"] == "pro"


def test_query_count_does_not_grow_with_lists(warm_client, workspace):
    ids = [list_make(workspace, f"perf{i:04d}").public_id for i in range(5)]

    none = queries_for(warm_client, {"email": "zero@example.com"})
    one = queries_for(warm_client, {"email": "one@example.com", "addToLists": ids[:1]})
    five = queries_for(warm_client, {"email": "five@example.com", "addToLists": ids})
    update_one = queries_for(warm_client, {"email": "one@example.com", "addToLists": ids[1:2]})
    update_five = queries_for(
        warm_client, {"email": "five@example.com", "addToLists": ids[:1], "removeFromLists": ids[1:]}
    )

    assert one == five
    assert update_one == update_five
    # Lists cost a fixed few queries (the 400 check, resolving ids, memberships), not one per list.
    assert five - none <= 4
