"""`POST /contacts`: the bulk contact upload of the seed, accepted as an import job and applied by a worker.

Seed `000_9f9347dce480c16b.txt` ("Contact upload") and `specs/customerscore.md`. Jobs run eagerly in tests
when the request's transaction commits (`django_capture_on_commit_callbacks(execute=True)`)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.attributes.models import ContactMetric
from apps.contacts.models import Contact, Customer
from apps.contacts.services import contacts_soft_delete
from apps.imports.models import ImportIssue, ImportJob
from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
from apps.ingest.services import contacts_ingest
from apps.workspaces.services import api_key_revoke
from tests.vendors.customerscore.conftest import (
    BULK_CONTACTS_URL,
    SEED_CONTACT,
    bulk_item,
    client_for,
    contact_make,
    fixture,
    fixture_text,
    send,
    table_counts,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def upload(client, body, url: str = BULK_CONTACTS_URL, **extra):
    return send(client, "POST", url, body, **extra)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Post an upload and let its job run, as the worker would once the request has committed."""

    def run_upload(client, body, url: str = BULK_CONTACTS_URL, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, body, url, **extra)
        return response

    return run_upload


def job_of(response) -> ImportJob:
    return ImportJob.objects.get(public_id=response.json()["import_id"])


def issues_of(job: ImportJob) -> list[tuple[int, str, str, str]]:
    return list(
        ImportIssue.objects.filter(job=job)
        .order_by("item_index", "id")
        .values_list("item_index", "severity", "field", "code")
    )


def contacts(*items) -> str:
    return json.dumps({"contacts": list(items)})


# --- accepted and applied -----------------------------------------------------------------------------------


def test_the_seed_example_is_accepted_then_stored(run, client, customer, workspace, seed_metrics, api_key):
    response = run(client, fixture_text("bulk_contacts_example.json"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "import_id", "contacts"}
    assert (body["status"], body["contacts"]) == ("accepted", 1)
    assert re.fullmatch(r"[0-9a-f]{24}", body["import_id"])
    job = job_of(response)
    assert (job.status, job.kind, job.source, job.received, job.processed) == (
        "completed",
        "contacts",
        "customerscore",
        1,
        1,
    )
    assert (job.created, job.skipped, job.failed, job.warnings) == (1, 0, 0, 0)
    assert job.api_key_id == api_key.api_key.pk
    stored = Contact.objects.get(workspace=workspace)
    assert (stored.external_id, stored.full_name, stored.customer_id) == (
        SEED_CONTACT,
        "John Doe",
        customer.pk,
    )
    assert (stored.first_name, stored.last_name) == (None, None)  # the name is never split
    assert (stored.email, stored.phone) == ("john.doe@example.com", "+4207123456789")
    assert (stored.last_source, stored.last_import_id) == ("customerscore", job.pk)
    assert list(ContactMetric.objects.filter(contact=stored).values_list("date", "values")) == [
        (dt.date(2025, 4, 29), {"resolved_tickets": 10})
    ]


def test_the_full_example_stores_every_matching_key(
    run, client, customer, workspace, seed_definitions, seed_metrics
):
    response = run(client, fixture_text("bulk_contacts_full.json"))

    assert response.status_code == 200
    assert response.json()["contacts"] == 1
    job = job_of(response)
    assert (job.created, job.warnings) == (1, 0)
    stored = Contact.objects.get(workspace=workspace, external_id=SEED_CONTACT)
    # Built-in codenames land in the contact's own columns, where every dialect sees them.
    assert (stored.email, stored.phone, stored.city) == ("example@example.com", "+4207123456789", "Brno")
    assert stored.attributes == {"age": 35, "is_admin": True, "last_contacted_at": "2025-04-25"}
    assert ContactMetric.objects.get(contact=stored).values == {
        "user_status": "active",
        "has_profile_picture": True,
        "resolved_tickets": 39,
        "last_purchase_date": "2024-04-25",
    }


def test_the_job_is_stored_with_the_body_as_received_before_the_answer(client, customer, workspace, api_key):
    text = fixture_text("bulk_contacts_example.json")

    response = upload(client, text)  # the transaction has not committed: no worker ran

    assert response.status_code == 200
    job = job_of(response)
    assert (job.status, job.received, job.workspace_id) == ("queued", 1, workspace.pk)
    assert bytes(job.payload) == text.encode()
    assert job.options == {"kind": "contacts"}
    assert not Contact.objects.exists()


def test_a_contact_of_an_unknown_customer_is_ignored_and_reported(run, client, customer, workspace):
    body = contacts(bulk_item(0), bulk_item(1, customer="nobody"), bulk_item(2))

    response = run(client, body)

    assert response.status_code == 200
    assert response.json()["contacts"] == 3
    job = job_of(response)
    assert (job.status, job.created, job.skipped) == ("completed", 2, 1)
    issue = ImportIssue.objects.get(job=job)
    assert (issue.item_index, issue.identity, issue.outcome, issue.field, issue.code) == (
        1,
        "C1",
        "skipped",
        "contacts[1].customer_external_id",
        "unknown_customer",
    )
    assert issue.message == "ignored: unknown customer 'nobody'."
    assert set(Contact.objects.values_list("external_id", flat=True)) == {"C0", "C2"}


def test_unmatched_attribute_keys_and_wrong_values_are_dropped_with_warnings(
    run, client, customer, workspace, seed_definitions
):
    attributes = {"Age": 35, "plan": "pro", "age": "thirty-five", "is_admin": True, "last_contacted_at": 7}

    response = run(client, contacts(bulk_item(0, attributes=attributes)))

    job = job_of(response)
    assert (job.created, job.warnings) == (1, 4)
    assert issues_of(job) == [
        (0, "warning", "contacts[0].attributes.Age", "unknown_attribute"),
        (0, "warning", "contacts[0].attributes.plan", "unknown_attribute"),
        (0, "warning", "contacts[0].attributes.age", "invalid_value"),
        (0, "warning", "contacts[0].attributes.last_contacted_at", "invalid_value"),
    ]
    assert Contact.objects.get(workspace=workspace).attributes == {"is_admin": True}


def test_a_wrong_built_in_value_is_dropped_with_a_warning(run, client, customer, workspace):
    response = run(client, contacts(bulk_item(0, attributes={"email": "not an email", "city": "Brno"})))

    assert issues_of(job_of(response)) == [(0, "warning", "contacts[0].attributes.email", "invalid_email")]
    stored = Contact.objects.get(workspace=workspace)
    assert (stored.email, stored.city) == (None, "Brno")


def test_metrics_merge_per_date_and_unknown_codenames_are_dropped(
    run, client, customer, workspace, seed_metrics
):
    stored = contact_make(workspace, customer, full_name="John Doe")
    ContactMetric.objects.create(
        contact=stored, date=dt.date(2025, 4, 29), values={"resolved_tickets": 5, "user_status": "trial"}
    )
    metrics = [
        {"date": "2025-04-29", "resolved_tickets": 10, "Resolved_Tickets": 1},
        {"date": "2025-04-30", "has_profile_picture": "yes"},
    ]

    response = run(client, contacts(bulk_item(12345, metrics=metrics)))

    job = job_of(response)
    assert (job.updated, job.created) == (1, 0)
    assert issues_of(job) == [
        (0, "warning", "contacts[0].metrics[0].Resolved_Tickets", "unknown_metric"),
        (0, "warning", "contacts[0].metrics[1].has_profile_picture", "invalid_value"),
    ]
    assert dict(ContactMetric.objects.filter(contact=stored).values_list("date", "values")) == {
        dt.date(2025, 4, 29): {"resolved_tickets": 10, "user_status": "trial"},
    }  # 2025-04-30 kept no valid value: no row


def test_a_known_contact_is_updated_and_moved_to_the_named_customer(run, client, customer, workspace):
    before = Customer.objects.create(workspace=workspace, external_id="old-customer", name="Old")
    stored = contact_make(workspace, before, full_name="Johnny", email="john.doe@example.com")

    response = run(client, fixture_text("bulk_contacts_example.json"))

    job = job_of(response)
    assert (job.created, job.updated) == (0, 1)
    stored.refresh_from_db()
    assert (stored.full_name, stored.customer_id, stored.phone) == ("John Doe", customer.pk, "+4207123456789")
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_sending_the_same_upload_again_changes_nothing(run, client, customer, workspace, seed_metrics):
    run(client, fixture_text("bulk_contacts_example.json"))

    again = job_of(run(client, fixture_text("bulk_contacts_example.json")))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_a_deleted_contact_named_again_is_restored(run, client, customer, workspace):
    stored = contact_make(workspace, customer, full_name="Gone")
    contacts_soft_delete(workspace_id=workspace.pk, contact_ids=[stored.pk], source=IngestSource(name="test"))

    run(client, fixture_text("bulk_contacts_example.json"))

    stored.refresh_from_db()
    assert (stored.deleted_at, stored.full_name) == (None, "John Doe")
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_the_same_contact_twice_in_one_upload_is_one_contact_the_last_copy_winning(
    run, client, customer, workspace
):
    first = bulk_item(7, contact_name="First", attributes={"city": "Brno"})
    last = bulk_item(7, contact_name="Last")

    job = job_of(run(client, contacts(first, last)))

    assert (job.created, job.updated) == (1, 1)
    stored = Contact.objects.get(workspace=workspace)
    assert (stored.full_name, stored.city) == ("Last", "Brno")


# --- identity across dialects -------------------------------------------------------------------------------


def test_a_contact_made_through_the_native_path_is_updated_not_duplicated(run, client, customer, workspace):
    made = contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields={"external_id": SEED_CONTACT, "email": "john.doe@example.com"})],
        policy=MatchPolicy(),
        source=IngestSource(name="api"),
    )

    job = job_of(run(client, fixture_text("bulk_contacts_example.json")))

    assert job.updated == 1
    stored = Contact.objects.get(workspace=workspace)
    assert stored.pk == made.results[0].contact_id
    assert (stored.full_name, stored.customer_id, stored.email) == (
        "John Doe",
        customer.pk,
        "john.doe@example.com",
    )


def test_a_contact_made_through_notifuse_is_updated_not_duplicated(run, client, api_key, customer, workspace):
    notifuse = APIClient()
    notifuse.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key.key}")
    made = notifuse.post(
        "/notifuse/api/contacts.upsert",
        {
            "workspace_id": workspace.public_id,
            "contact": {"email": "john.doe@example.com", "external_id": SEED_CONTACT, "first_name": "John"},
        },
        format="json",
    )
    assert made.status_code == 200

    job = job_of(run(client, fixture_text("bulk_contacts_example.json")))

    assert (job.created, job.updated, job.failed) == (0, 1, 0)
    stored = Contact.objects.get(workspace=workspace)
    assert (stored.external_id, stored.email, stored.first_name, stored.full_name) == (
        SEED_CONTACT,
        "john.doe@example.com",
        "John",
        "John Doe",
    )


def test_a_contact_made_through_trustmary_is_updated_not_duplicated(
    run, client, api_key, customer, workspace
):
    trustmary = APIClient()
    trustmary.credentials(HTTP_AUTHORIZATION=f"Apikey {api_key.key}")
    made = trustmary.post(
        "/trustmary/v1/contacts",
        {"email": "john.doe@example.com", "eid": SEED_CONTACT, "name": "J. Doe"},
        format="json",
    )
    assert made.status_code == 200

    job = job_of(run(client, fixture_text("bulk_contacts_full.json")))

    assert (job.created, job.updated) == (0, 1)
    stored = Contact.objects.get(workspace=workspace)
    # The upload's email differs from the stored one: the contact is the one named by its external id.
    assert (stored.external_id, stored.email, stored.customer_id) == (
        SEED_CONTACT,
        "example@example.com",
        customer.pk,
    )


def test_an_email_held_by_another_contact_is_a_reported_conflict_never_a_second_contact(
    run, client, customer, workspace, seed_metrics
):
    holder = contact_make(workspace, None, external_id="C-other", email="john.doe@example.com")

    job = job_of(run(client, fixture_text("bulk_contacts_example.json")))

    assert (job.created, job.failed) == (0, 1)
    assert issues_of(job) == [(0, "error", "contacts[0].attributes.email", "identity_conflict")]
    assert list(Contact.objects.filter(workspace=workspace)) == [holder]


def test_skipped_items_can_be_run_again_once_their_customer_exists(run, client, customer, workspace):
    from apps.imports.services import import_job_rerun_failed, import_job_run

    original = job_of(run(client, contacts(bulk_item(0), bulk_item(1, customer="later"))))
    assert (original.created, original.skipped) == (1, 1)
    Customer.objects.create(workspace=workspace, external_id="later", name="Later")

    rerun = import_job_rerun_failed(job=original, user_id=None)
    import_job_run(job_id=rerun.pk, token="rerun")

    rerun.refresh_from_db()
    assert (rerun.status, rerun.received, rerun.created, rerun.skipped) == ("completed", 1, 1, 0)
    assert Contact.objects.get(external_id="C1").customer.external_id == "later"


# --- the report at the native API ---------------------------------------------------------------------------


def test_the_import_id_leads_to_the_report_at_the_native_api(
    run, client, api_key, other_key, customer, seed_definitions
):
    body = contacts(
        bulk_item(0, attributes={"Age": 35, "age": "old", "is_admin": True}),
        bulk_item(1, customer="nobody"),
    )
    import_id = run(client, body).json()["import_id"]
    native = APIClient()
    native.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key.key}")

    response = native.get(f"/api/v1/imports/{import_id}")

    assert response.status_code == 200
    report = response.json()
    assert (report["id"], report["source"], report["status"]) == (import_id, "customerscore", "completed")
    assert report["counts"] | {"warnings": 0} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "failed": 0,
        "warnings": 0,
    }
    assert report["counts"]["warnings"] == 2
    assert [
        (i["item_index"], i["identity"], i["outcome"], i["severity"], i["field"], i["code"], i["message"])
        for i in report["issues"]
    ] == [
        (0, "C0", "created", "warning", "contacts[0].attributes.Age", "unknown_attribute",
         "'Age' is not an attribute of this workspace; dropped."),
        (0, "C0", "created", "warning", "contacts[0].attributes.age", "invalid_value",
         "expected a number, got string; dropped."),
        (1, "C1", "skipped", "error", "contacts[1].customer_external_id", "unknown_customer",
         "ignored: unknown customer 'nobody'."),
    ]  # fmt: skip
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_key.key}")
    assert other.get(f"/api/v1/imports/{import_id}").status_code == 404


# --- workspaces, keys, methods ------------------------------------------------------------------------------


def test_another_workspace_never_sees_or_changes_ours(
    run, other_client, customer, workspace, other_workspace
):
    mine = contact_make(workspace, customer, full_name="Mine")

    response = run(other_client, fixture_text("bulk_contacts_example.json"))

    assert response.status_code == 200
    job = job_of(response)
    assert job.workspace_id == other_workspace.pk
    assert (job.created, job.skipped) == (0, 1)  # our customer is unknown to them
    mine.refresh_from_db()
    assert (mine.full_name, mine.email) == ("Mine", None)
    assert not Contact.objects.filter(workspace=other_workspace).exists()


def test_the_same_ids_in_another_workspace_are_their_own(
    run, other_client, customer, other_customer, workspace
):
    mine = contact_make(workspace, customer, full_name="Mine")

    run(other_client, fixture_text("bulk_contacts_example.json"))

    theirs = Contact.objects.get(workspace=other_customer.workspace)
    assert (theirs.external_id, theirs.customer_id) == (SEED_CONTACT, other_customer.pk)
    mine.refresh_from_db()
    assert mine.full_name == "Mine"


def test_a_read_only_key_is_403(read_only_client, customer):
    response = upload(read_only_client, fixture_text("bulk_contacts_example.json"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not ImportJob.objects.exists()


def test_a_missing_key_is_401_and_an_unknown_or_revoked_key_403(api_key, customer):
    text = fixture_text("bulk_contacts_example.json")
    assert upload(APIClient(), text).status_code == 401
    assert upload(client_for(api_key.key + "x"), text).status_code == 403
    api_key_revoke(api_key=api_key.api_key)
    assert upload(client_for(api_key.key), text).status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_405_in_the_vendors_words(client, method):
    response = send(client, method, BULK_CONTACTS_URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {
        "error": {"code": "method_not_allowed", "message": "Only POST method is allowed."}
    }


def test_the_path_works_with_a_trailing_slash(run, client, customer):
    assert run(client, fixture_text("bulk_contacts_example.json"), BULK_CONTACTS_URL + "/").status_code == 200


# --- dry run and idempotency --------------------------------------------------------------------------------


def test_dry_run_says_what_would_happen_and_writes_nothing(client, customer, workspace, seed_definitions):
    contact_make(workspace, customer, external_id="C1", full_name="Old")
    before = table_counts()
    body = contacts(
        bulk_item(0, attributes={"age": 30, "plan": "pro"}),
        bulk_item(1),
        bulk_item(2, customer="nobody"),
    )

    response = upload(client, body, BULK_CONTACTS_URL + "?dry_run=true")

    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["dry_run"], answer["import_id"], answer["contacts"]) == (
        "dry_run",
        True,
        None,
        3,
    )
    assert answer["counts"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "skipped": 1,
        "failed": 0,
        "warnings": 1,
    }
    assert [(i["index"], i["contact_external_id"], i["outcome"]) for i in answer["items"]] == [
        (0, "C0", "created"),
        (1, "C1", "updated"),
        (2, "C2", "skipped"),
    ]
    assert answer["items"][0]["issues"] == [
        {
            "path": "contacts[0].attributes.plan",
            "code": "unknown_attribute",
            "message": "'plan' is not an attribute of this workspace; dropped.",
            "severity": "warning",
        }
    ]
    assert answer["items"][2]["issues"][0]["message"] == "ignored: unknown customer 'nobody'."
    assert table_counts() == before
    assert Contact.objects.get(external_id="C1").full_name == "Old"


def test_dry_run_still_refuses_a_bad_shape(client, customer):
    response = upload(client, contacts(bulk_item(0, contact_name=None)), BULK_CONTACTS_URL + "?dry_run=true")

    assert response.status_code == 400


def test_idempotency_key_replays_the_first_answer_without_a_second_job(client, customer):
    text = fixture_text("bulk_contacts_example.json")
    first = upload(client, text, HTTP_IDEMPOTENCY_KEY="bulk-1")

    again = upload(client, text, HTTP_IDEMPOTENCY_KEY="bulk-1")

    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


def test_idempotency_key_with_another_body_is_422(client, customer):
    upload(client, fixture_text("bulk_contacts_example.json"), HTTP_IDEMPOTENCY_KEY="bulk-1")

    response = upload(client, fixture_text("bulk_contacts_full.json"), HTTP_IDEMPOTENCY_KEY="bulk-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ImportJob.objects.count() == 1


def test_accepting_takes_the_same_queries_for_1_or_100_contacts(client, customer):
    upload(client, contacts(bulk_item(0)))  # the first request of a key records its use

    def queries(count: int) -> int:
        items = [
            bulk_item(
                n,
                attributes={"email": f"c{n}@example.com", "age": n},
                metrics=[{"date": "2025-04-29", "x": n}],
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as ctx:
            response = upload(client, contacts(*items))
        assert response.json()["contacts"] == count
        return len(ctx.captured_queries)

    assert queries(1) == queries(100)


# --- request errors: 400 naming the item and the field, nothing stored --------------------------------------


def refused(client, body, status: int = 400, **extra):
    before = table_counts()
    response = upload(client, body, **extra)
    assert response.status_code == status, response.content
    assert table_counts() == before
    assert not ImportJob.objects.exists()
    return response.json()["error"]


def detail_paths(error) -> list[tuple[str, str]]:
    return [(d["path"], d["code"]) for d in error.get("details", [])]


def test_malformed_json_is_400(client, customer):
    error = refused(client, fixture_text("bulk_contacts_example.json")[:-10])

    assert error["code"] == "invalid_json"
    assert error["message"].startswith("Malformed JSON")


def test_1000_levels_of_nesting_are_400(client, customer):
    deep = "[" * 1000 + "]" * 1000
    body = (
        '{"contacts": [{"customer_external_id": "12345", "contact_external_id": "C1", "contact_name": "x", '
    )
    body += f'"attributes": {{"deep": {deep}}}}}]}}'

    error = refused(client, body)

    assert error["code"] == "invalid_json"


def test_a_nul_character_is_400_naming_the_field(client, customer):
    body = fixture_text("bulk_contacts_example.json").replace("John Doe", "John\\u0000Doe")

    error = refused(client, body)

    assert error["code"] == "invalid_json"
    assert error["message"] == "contacts[0].contact_name: NUL characters are not allowed."


def test_a_raw_nul_byte_is_400(client, customer):
    body = fixture_text("bulk_contacts_example.json").replace("John Doe", "John\x00Doe").encode()

    assert refused(client, body)["code"] == "invalid_json"


def test_a_body_over_5_mb_is_413_before_it_is_parsed(client, customer):
    text = fixture_text("bulk_contacts_example.json")
    body = text + " " * (5 * MB + 1 - len(text.encode()))

    error = refused(client, body, status=413)

    assert error["code"] == "body_too_large"


def test_a_body_of_exactly_5_mb_is_accepted(client, customer):
    text = fixture_text("bulk_contacts_example.json")
    body = text + " " * (5 * MB - len(text.encode()))

    assert upload(client, body).status_code == 200


def test_101_contacts_are_400(client, customer):
    error = refused(client, contacts(*(bulk_item(n) for n in range(101))))

    assert detail_paths(error) == [("contacts", "max_items")]
    assert error["message"] == "contacts: At most 100 items per request; got 101."


def test_100_contacts_are_accepted(client, customer):
    assert upload(client, contacts(*(bulk_item(n) for n in range(100)))).json()["contacts"] == 100


def test_201_metrics_are_400(client, customer):
    metrics = [{"date": (dt.date(2025, 1, 1) + dt.timedelta(days=n)).isoformat()} for n in range(201)]

    error = refused(client, contacts(bulk_item(0), bulk_item(1, metrics=metrics)))

    assert detail_paths(error) == [("contacts[1].metrics", "max_items")]


def test_a_repeated_metric_date_is_400(client, customer):
    metrics = [{"date": "2025-04-29", "resolved_tickets": 1}, {"date": "2025-04-29", "resolved_tickets": 2}]

    error = refused(client, contacts(bulk_item(0, metrics=metrics)))

    assert detail_paths(error) == [("contacts[0].metrics[1].date", "duplicate_date")]


def test_an_invalid_date_is_400(client, customer):
    error = refused(
        client,
        contacts(bulk_item(0), bulk_item(1), bulk_item(2), bulk_item(3, metrics=[{"date": "2025-02-30"}])),
    )

    assert detail_paths(error) == [("contacts[3].metrics[0].date", "invalid_date")]
    assert error["message"].startswith("contacts[3].metrics[0].date: ")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[]", [("", "invalid_type")]),
        ("{}", [("contacts", "required")]),
        ('{"contacts": []}', [("contacts", "min_items")]),
        ('{"contacts": {"customer_external_id": "12345"}}', [("contacts", "invalid_type")]),
        ('{"contacts": ["C1"]}', [("contacts[0]", "invalid_type")]),
        (
            contacts(bulk_item(0, contact_external_id=12345)),
            [("contacts[0].contact_external_id", "invalid_type")],
        ),
        (contacts(bulk_item(0, contact_name="x" * 256)), [("contacts[0].contact_name", "max_length")]),
        (
            contacts(bulk_item(0, attributes=[{"email": "a@b.cz"}])),
            [("contacts[0].attributes", "invalid_type")],
        ),
        (contacts(bulk_item(0, metrics={"2025-04-29": {}})), [("contacts[0].metrics", "invalid_type")]),
        (
            contacts(bulk_item(0, metrics=[{"date": 20250429}])),
            [("contacts[0].metrics[0].date", "invalid_type")],
        ),
        (
            contacts({"customer_external_id": "12345"}),
            [("contacts[0].contact_external_id", "required"), ("contacts[0].contact_name", "required")],
        ),
    ],
)
def test_wrong_shapes_and_types_are_400_naming_the_field(client, customer, body, expected):
    error = refused(client, body)

    assert error["code"] == "invalid_request"
    assert detail_paths(error) == expected


def test_an_empty_body_is_400(client, customer):
    response = client.post(BULK_CONTACTS_URL, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"path": "contacts", "code": "required", "message": "This field is required."}
    ]


def test_another_content_type_is_406(client, customer):
    response = client.generic(
        "POST", BULK_CONTACTS_URL, fixture_text("bulk_contacts_example.json"), content_type="text/plain"
    )

    assert response.status_code == 406
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not ImportJob.objects.exists()


def test_an_accept_header_without_json_is_406(client, customer):
    response = upload(client, fixture_text("bulk_contacts_example.json"), HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert not ImportJob.objects.exists()


def test_over_the_rate_limit_is_429_with_retry_after(client, customer, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "customerscore": "2/min"}
    text = fixture_text("bulk_contacts_example.json")
    assert [upload(client, text).status_code for _ in range(2)] == [200, 200]

    response = upload(client, text)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert ImportJob.objects.count() == 2


def test_the_seed_fixtures_are_the_vendors_examples():
    # Captured byte for byte from the seed; the tests above rely on these values.
    assert fixture("bulk_contacts_example.json")["contacts"][0]["metrics"] == [
        {"date": "2025-04-29", "resolved_tickets": 10}
    ]
    assert len(fixture("bulk_contacts_full.json")["contacts"][0]["attributes"]) == 6
