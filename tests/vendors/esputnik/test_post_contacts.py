"""`POST /v1/contacts`: the async bulk add/update of up to 3000 contacts; a job a worker runs."""

from __future__ import annotations

import copy

import orjson
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.contacts.services import contacts_soft_delete
from apps.imports.models import ImportJob
from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import contacts_ingest
from apps.lists.models import ContactList, ListMembership
from apps.lists.services import list_create
from tests.vendors.esputnik.bulk_helpers import (
    BULK_URL,
    bulk_and_run,
    contact_item,
    post_bulk,
    run_job,
    status_url,
)
from tests.vendors.esputnik.helpers import stored_contact

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _errors(status: dict) -> list[tuple[int, str, str, str]]:
    return [(e["index"], e["field"], e["code"], e["outcome"]) for e in status["errors"]]


def _counts(status: dict) -> tuple[int, int, int, int, int]:
    return (status["total"], status["processed"], status["created"], status["updated"], status["skipped"])


def _bulk(*items, **options) -> dict:
    return {"contacts": list(items), "dedupeOn": options.pop("dedupeOn", "email"), **options}


def _members(list_name: str) -> list[str]:
    return sorted(
        ListMembership.objects.filter(list__name=list_name).values_list("contact__email", flat=True)
    )


# --- accepted, stored, applied ----------------------------------------------------------------------------


def test_seed_bulk_is_stored_as_a_job_before_the_answer(client, workspace, api_key, seed_bulk):
    response = post_bulk(client, seed_bulk)

    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert response.json() == {"asyncSessionId": job.public_id}
    assert (job.workspace_id, job.source, job.status, job.received) == (workspace.pk, "esputnik", "queued", 1)
    assert job.api_key_id == api_key.api_key.pk
    assert orjson.loads(bytes(job.payload)) == seed_bulk
    # The seed's group 1001 names no list: looked up once, now, and carried by the job.
    assert job.options == {"field_codenames": {}, "missing_group_ids": ["1001"]}
    assert not Contact.objects.exists()  # the worker applies it


def test_seed_bulk_run_by_the_worker_stores_the_contact(client, workspace, seed_bulk, seed_fields):
    status = bulk_and_run(client, seed_bulk)

    assert status["status"] == "FINISHED"
    assert _counts(status) == (1, 1, 1, 0, 0)
    assert status["errors"] == []
    contact = Contact.objects.get(workspace=workspace)
    assert (contact.first_name, contact.last_name, contact.external_id) == ("John", "Smith", "EM12790")
    assert (contact.email, contact.phone) == ("john.smith@example.com", "+12125550123")
    assert (contact.language, contact.timezone, contact.city, contact.postcode) == (
        "en",
        "America/New_York",
        "New York",
        "10001",
    )
    assert contact.attributes == {"birthDate": "1990-01-01", "loyaltyLevel": "Gold"}
    assert contact.last_source == "esputnik"
    assert contact.last_import_id == ImportJob.objects.get().pk
    assert sorted(contact.subscriptions.values_list("channel", flat=True)) == ["email", "sms", "webpush"]
    assert _members("Newsletter Subscribers") == ["john.smith@example.com"]


def test_the_job_is_queued_after_commit_and_run_by_the_worker(
    client, seed_bulk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_bulk(client, seed_bulk)

    job = ImportJob.objects.get(public_id=response.json()["asyncSessionId"])
    assert (job.status, job.created) == ("completed", 1)
    assert Contact.objects.count() == 1


def test_seed_bulk_verbatim_is_accepted_and_its_contact_reported(client, seed):
    status = bulk_and_run(client, {"contacts": [seed], "dedupeOn": "externalCustomerId"})

    assert _counts(status) == (1, 1, 0, 0, 1)
    assert _errors(status) == [
        (0, "contacts[0].channels[0].value", "invalid_email", "skipped"),
        (0, "contacts[0].channels[1].value", "invalid_phone", "skipped"),
    ]
    assert status["errors"][0]["identity"] == "EM12790"
    assert not Contact.objects.exists()


def test_yespo_docs_example_creates_then_updates_by_external_id(client, workspace, yespo_bulk):
    assert _counts(bulk_and_run(client, yespo_bulk)) == (1, 1, 1, 0, 0)
    yespo_bulk["contacts"][0]["firstName"] = "Johnny"

    assert _counts(bulk_and_run(client, yespo_bulk)) == (1, 1, 0, 1, 0)

    contact = Contact.objects.get(workspace=workspace)
    assert (contact.external_id, contact.email, contact.first_name, contact.last_name) == (
        "543323",
        "john@example.com",
        "Johnny",
        "Smith",
    )
    assert (contact.language, contact.timezone) == ("en-US", "Europe/Kyiv")


def test_a_contact_repeated_in_one_bulk_is_stored_once(client):
    status = bulk_and_run(
        client,
        _bulk(contact_item("a@example.com", firstName="A"), contact_item("A@Example.com", lastName="B")),
    )

    assert _counts(status) == (2, 2, 1, 1, 0)
    assert list(Contact.objects.values_list("email", "first_name", "last_name")) == [
        ("a@example.com", "A", "B")
    ]


# --- request errors: 4xx naming the field, nothing stored --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({"contacts": {"email": "a@example.com"}, "dedupeOn": "email"}, "contacts", "invalid_type"),
        ({"contacts": [], "dedupeOn": "email"}, "contacts", "required"),
        (
            {"contacts": [contact_item(f"p{n}@example.com") for n in range(3001)], "dedupeOn": "email"},
            "contacts",
            "too_many",
        ),
        (
            {"contacts": [contact_item("a@example.com"), "b@example.com"], "dedupeOn": "email"},
            "contacts[1]",
            "invalid_type",
        ),
        ({"contacts": [contact_item("a@example.com")]}, "dedupeOn", "required"),
        ({"contacts": [contact_item("a@example.com")], "dedupeOn": "phone"}, "dedupeOn", "invalid_choice"),
        ({"contacts": [contact_item("a@example.com")], "dedupeOn": ["email"]}, "dedupeOn", "invalid_choice"),
        (
            {"contacts": [contact_item("a@example.com")], "dedupeOn": "email", "restoreDeleted": "true"},
            "restoreDeleted",
            "invalid_type",
        ),
        (
            {"contacts": [contact_item("a@example.com")], "dedupeOn": "email", "contactFields": ["birthday"]},
            "contactFields[0]",
            "invalid_choice",
        ),
        (
            {"contacts": [contact_item("a@example.com")], "dedupeOn": "email", "groupNames": "VIP"},
            "groupNames",
            "invalid_type",
        ),
    ],
)
def test_a_request_of_the_wrong_shape_is_a_400_naming_the_field(client, body, path, code):
    response = post_bulk(client, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith(f"{path}: ")
    assert (error["details"][0]["path"], error["details"][0]["code"]) == (path, code)
    assert not ImportJob.objects.exists()


def test_3000_contacts_are_accepted(client):
    body = _bulk(*[contact_item(f"p{n}@example.com") for n in range(3000)])

    response = post_bulk(client, body)

    assert response.status_code == 200
    assert ImportJob.objects.get().received == 3000


def test_an_unknown_custom_field_id_is_a_400(client, workspace):
    tier = attribute_definition_create(workspace=workspace, codename="tier", type="string")
    body = _bulk(contact_item("a@example.com"), customFieldsIDs=[tier.pk, 999999])

    response = post_bulk(client, body)

    assert response.status_code == 400
    assert [(d["path"], d["code"]) for d in response.json()["error"]["details"]] == [
        ("customFieldsIDs[1]", "unknown_field")
    ]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"contacts": [{"channels": [', "Malformed JSON"),
        (b'{"contacts": ' + b"[" * 1000 + b"]" * 1000 + b', "dedupeOn": "email"}', "nested deeper than 64"),
        (
            b'{"contacts": [{"firstName": "A\\u0000B", "channels": []}], "dedupeOn": "email"}',
            "contacts[0].firstName: NUL",
        ),
        (b'{"contacts": [{"firstName": NaN}], "dedupeOn": "email"}', "Malformed JSON"),
    ],
)
def test_a_body_that_is_not_strict_json_is_a_400(client, raw, fragment):
    response = client.post(BULK_URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]
    assert not ImportJob.objects.exists()


def test_a_body_over_32_mb_is_a_413(client):
    head, tail = b'{"dedupeOn": "email", "contacts": [], "pad": "', b'"}'
    raw = head + b"x" * (32 * MB + 1 - len(head) - len(tail)) + tail
    assert len(raw) == 32 * MB + 1

    response = client.post(BULK_URL, raw, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert not ImportJob.objects.exists()


def test_a_body_over_the_usual_5_mb_is_accepted(client):
    body = _bulk(contact_item("a@example.com"), pad="x" * (6 * MB))

    assert post_bulk(client, body).status_code == 200


def test_a_body_that_is_not_json_is_a_415(client):
    response = client.post(BULK_URL, "contacts=1", content_type="text/plain")

    assert response.status_code == 415
    assert not ImportJob.objects.exists()


# --- per-contact problems: reported, the rest applied ------------------------------------------------------


def test_contacts_that_cannot_be_stored_are_reported_and_the_others_applied(client, workspace):
    attribute_definition_create(workspace=workspace, codename="signup", type="date")
    body = _bulk(
        contact_item("a@example.com", fields=[{"name": "signup", "value": "2025-02-30"}]),
        contact_item("not-an-email"),
        {"channels": [{"type": "sms", "value": "+380501234567"}]},
        contact_item("d@example.com", fields=[{"name": "signup", "value": "2025-02-28"}]),
    )

    status = bulk_and_run(client, body)

    assert _counts(status) == (4, 4, 1, 0, 3)
    assert _errors(status) == [
        (0, "contacts[0].fields[0].value", "invalid_value", "failed"),
        (1, "contacts[1].channels[0].value", "invalid_email", "skipped"),
        (2, "contacts[2].channels", "dedupe_key_missing", "skipped"),
    ]
    contact = Contact.objects.get(workspace=workspace)
    assert (contact.email, contact.attributes) == ("d@example.com", {"signup": "2025-02-28"})


def test_unknown_fields_are_dropped_and_reported_as_warnings(client, workspace):
    body = _bulk(
        contact_item("a@example.com", fields=[{"name": "nope", "value": 1}, {"id": 999999, "value": "x"}])
    )

    status = bulk_and_run(client, body)

    assert _counts(status) == (1, 1, 1, 0, 0)
    assert [(e["field"], e["code"], e["severity"]) for e in status["errors"]] == [
        ("contacts[0].fields[0].name", "unknown_attribute", "warning"),
        ("contacts[0].fields[1].id", "unknown_attribute", "warning"),
    ]
    assert Contact.objects.get().attributes == {}


# --- contactFields, customFieldsIDs, groups, restoreDeleted, dedupeOn --------------------------------------


def test_contact_fields_limit_which_stored_fields_are_overwritten(client, workspace):
    stored_contact(workspace, email="a@example.com", first_name="Old", last_name="Keep")
    item = contact_item("a@example.com", firstName="New", lastName="Other", address={"town": "Kyiv"})

    status = bulk_and_run(client, _bulk(item, contactFields=["firstName"]))

    assert _counts(status)[3] == 1
    contact = Contact.objects.get()
    # Listed: overwritten. Not listed: the stored value is kept, an empty one is filled.
    assert (contact.first_name, contact.last_name, contact.city) == ("New", "Keep", "Kyiv")


def test_without_contact_fields_every_field_sent_is_overwritten(client, workspace):
    stored_contact(workspace, email="a@example.com", first_name="Old", last_name="Keep")

    bulk_and_run(client, _bulk(contact_item("a@example.com", firstName="New", lastName="Other")))

    assert Contact.objects.values_list("first_name", "last_name").get() == ("New", "Other")


def test_a_new_contact_takes_every_field_whatever_contact_fields_say(client):
    bulk_and_run(client, _bulk(contact_item("a@example.com", firstName="A", lastName="B"), contactFields=[]))

    assert Contact.objects.values_list("first_name", "last_name").get() == ("A", "B")


def test_custom_field_ids_limit_which_stored_attributes_are_overwritten(client, workspace):
    tier = attribute_definition_create(workspace=workspace, codename="tier", type="string")
    score = attribute_definition_create(workspace=workspace, codename="score", type="number")
    contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields={"email": "a@example.com"}, attributes={"tier": "gold", "score": 1})],
        source=IngestSource(name="test"),
    )
    item = contact_item(
        "a@example.com",
        fields=[{"id": tier.pk, "value": "silver"}, {"name": "score", "value": "2"}],
    )

    status = bulk_and_run(client, _bulk(item, customFieldsIDs=[score.pk]))

    assert status["errors"] == []
    job = ImportJob.objects.get()
    assert job.options["field_codenames"] == {str(tier.pk): "tier", str(score.pk): "score"}
    assert Contact.objects.get().attributes == {"tier": "gold", "score": 2}


def test_group_names_add_every_contact_and_excluded_names_remove_it(client, workspace):
    stored_contact(workspace, email="a@example.com", lists=("Old", "Stay"))
    body = _bulk(
        contact_item("a@example.com"),
        contact_item("b@example.com"),
        groupNames=["VIP"],
        groupNamesExclude=["Old", "Never existed"],
    )

    bulk_and_run(client, body)

    assert _members("VIP") == ["a@example.com", "b@example.com"]
    assert _members("Old") == []
    assert _members("Stay") == ["a@example.com"]
    assert sorted(ContactList.objects.values_list("name", flat=True)) == ["Old", "Stay", "VIP"]


def _deleted_contact(workspace) -> int:
    contact_id = stored_contact(workspace, email="a@example.com", first_name="Old")
    contacts_soft_delete(
        workspace_id=workspace.pk, contact_ids=[contact_id], source=IngestSource(name="test")
    )
    return contact_id


def test_a_soft_deleted_contact_is_skipped_without_restore_deleted(client, workspace):
    _deleted_contact(workspace)

    status = bulk_and_run(client, _bulk(contact_item("a@example.com", firstName="New")))

    assert _counts(status) == (1, 1, 0, 0, 1)
    assert [(e["index"], e["code"], e["outcome"]) for e in status["errors"]] == [(0, "deleted", "skipped")]
    contact = Contact.objects.get()
    assert contact.deleted_at is not None and contact.first_name == "Old"


def test_restore_deleted_restores_and_updates_the_contact(client, workspace):
    contact_id = _deleted_contact(workspace)

    status = bulk_and_run(client, _bulk(contact_item("a@example.com", firstName="New"), restoreDeleted=True))

    assert _counts(status) == (1, 1, 0, 1, 0)
    contact = Contact.objects.get()
    assert (contact.pk, contact.deleted_at, contact.first_name) == (contact_id, None, "New")


def test_dedupe_on_sms_matches_by_phone(client, workspace):
    stored_contact(workspace, phone="+380501234567", first_name="Old")
    item = {"channels": [{"type": "sms", "value": "+380 50 123 4567"}], "firstName": "New"}

    assert _counts(bulk_and_run(client, _bulk(item, dedupeOn="sms")))[3] == 1
    assert Contact.objects.values_list("first_name", flat=True).get() == "New"


def test_dedupe_on_id_updates_the_contact_with_that_id(client, workspace):
    contact_id = stored_contact(workspace, email="a@example.com")

    status = bulk_and_run(
        client, _bulk(contact_item("a@example.com", id=contact_id, firstName="Ann"), dedupeOn="id")
    )

    assert _counts(status)[3] == 1
    assert Contact.objects.get(pk=contact_id).first_name == "Ann"


def test_dedupe_on_id_never_creates_a_contact_nor_reaches_another_workspace(
    client, workspace, other_workspace
):
    foreign_id = stored_contact(other_workspace, email="o@example.com", first_name="Theirs")
    body = _bulk(
        contact_item("new@example.com", id=foreign_id, firstName="Mine"),
        contact_item("x@example.com", id=999999),
        dedupeOn="id",
    )

    status = bulk_and_run(client, body)

    assert _counts(status) == (2, 2, 0, 0, 2)
    assert [(e["index"], e["code"]) for e in status["errors"]] == [(0, "not_found"), (1, "not_found")]
    assert not Contact.objects.filter(workspace=workspace).exists()
    assert Contact.objects.get(pk=foreign_id).first_name == "Theirs"


# --- identity across dialects ------------------------------------------------------------------------------


def _created_elsewhere(workspace, **fields) -> int:
    """A contact written by another dialect's path (the ingest, under another source)."""
    report = contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields=fields)],
        source=IngestSource(name="pushtech"),
    )
    contact_id = report.results[0].contact_id
    assert contact_id is not None
    return contact_id


def test_a_contact_created_elsewhere_is_matched_by_its_email(client, workspace):
    contact_id = _created_elsewhere(workspace, email="ann@example.com", external_id="CRM-1")

    status = bulk_and_run(client, _bulk(contact_item(" Ann@Example.com ", firstName="Ann")))

    assert _counts(status)[3] == 1
    assert list(Contact.objects.values_list("pk", "first_name", "external_id")) == [
        (contact_id, "Ann", "CRM-1")
    ]


def test_a_contact_created_elsewhere_is_matched_by_its_external_id(client, workspace):
    contact_id = _created_elsewhere(workspace, email="ann@example.com", external_id="CRM-1")
    item = contact_item("ann.new@example.com", externalCustomerId="CRM-1", firstName="Ann")

    status = bulk_and_run(client, _bulk(item, dedupeOn="externalCustomerId"))

    assert _counts(status)[3] == 1
    assert list(Contact.objects.values_list("pk", "email", "first_name")) == [
        (contact_id, "ann.new@example.com", "Ann")
    ]


@pytest.mark.parametrize("dedupe_on", ["email", "externalCustomerId"])
def test_keys_that_point_at_two_contacts_are_a_conflict_never_a_duplicate(client, workspace, dedupe_on):
    _created_elsewhere(workspace, email="ann@example.com", external_id="CRM-1")
    _created_elsewhere(workspace, email="bob@example.com", external_id="CRM-2")
    item = contact_item("ann@example.com", externalCustomerId="CRM-2", firstName="Who")

    status = bulk_and_run(client, _bulk(item, dedupeOn=dedupe_on))

    assert _counts(status)[4] == 1
    assert [(e["code"], e["outcome"]) for e in status["errors"]] == [("identity_conflict", "failed")]
    assert Contact.objects.count() == 2
    assert not Contact.objects.filter(first_name="Who").exists()


def test_an_email_known_elsewhere_with_no_match_on_the_dedupe_key_is_not_duplicated(client, workspace):
    _created_elsewhere(workspace, email="ann@example.com", external_id="CRM-1")
    item = contact_item("ann@example.com", externalCustomerId="CRM-9")

    status = bulk_and_run(client, _bulk(item, dedupeOn="externalCustomerId"))

    assert [(e["field"], e["code"]) for e in status["errors"]] == [
        ("contacts[0].channels[0].value", "identity_conflict")
    ]
    assert Contact.objects.count() == 1


# --- keys, workspaces, methods ----------------------------------------------------------------------------


def test_a_bulk_never_touches_another_workspace(client, workspace, other_workspace):
    foreign_id = stored_contact(other_workspace, email="a@example.com", external_id="X1", first_name="Theirs")

    status = bulk_and_run(
        client, _bulk(contact_item("a@example.com", externalCustomerId="X1", firstName="Mine"))
    )

    assert _counts(status)[2] == 1
    assert Contact.objects.get(pk=foreign_id).first_name == "Theirs"
    assert Contact.objects.get(workspace=workspace).first_name == "Mine"


def test_a_read_only_key_gets_403_and_nothing_is_stored(read_only_client, seed_bulk):
    response = post_bulk(read_only_client, seed_bulk)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not ImportJob.objects.exists()


def test_no_key_is_a_401(api_client, seed_bulk):
    response = post_bulk(api_client, seed_bulk)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="eSputnik"'
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_a_405_in_the_hub_envelope(client, method):
    response = getattr(client, method)(BULK_URL, {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_path_with_a_trailing_slash_is_served(client, yespo_bulk):
    assert client.post(f"{BULK_URL}/", yespo_bulk, format="json").status_code == 200


# --- dry run and Idempotency-Key --------------------------------------------------------------------------


def test_dry_run_makes_no_job_and_previews_each_contact(client, workspace):
    existing = stored_contact(workspace, email="a@example.com", first_name="Ann")
    body = _bulk(
        contact_item("a@example.com", firstName="Anna"),
        contact_item("b@example.com"),
        contact_item("not-an-email"),
        groupNames=["VIP"],
    )

    response = client.post(f"{BULK_URL}?dry_run=true", body, format="json")

    assert response.status_code == 200
    preview = response.json()
    assert preview["dryRun"] is True
    assert (preview["total"], preview["created"], preview["updated"], preview["skipped"]) == (3, 1, 1, 1)
    assert preview["items"] == [
        {"index": 0, "action": "updated", "id": existing},
        {"index": 1, "action": "created", "id": None},
        {"index": 2, "action": "skipped", "id": None},
    ]
    assert _errors(preview) == [(2, "contacts[2].channels[0].value", "invalid_email", "skipped")]
    assert not ImportJob.objects.exists()
    assert list(Contact.objects.values_list("email", "first_name")) == [("a@example.com", "Ann")]
    assert not ContactList.objects.filter(name="VIP").exists()


def test_dry_run_checks_the_shape_like_the_real_request(client):
    response = client.post(f"{BULK_URL}?dry_run=true", {"contacts": []}, format="json")

    assert response.status_code == 400


def test_idempotency_key_replays_the_same_session_and_makes_one_job(client, yespo_bulk):
    first = post_bulk(client, yespo_bulk, HTTP_IDEMPOTENCY_KEY="bulk-1")
    again = post_bulk(client, yespo_bulk, HTTP_IDEMPOTENCY_KEY="bulk-1")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


def test_idempotency_key_with_a_different_body_is_a_422(client, yespo_bulk):
    post_bulk(client, yespo_bulk, HTTP_IDEMPOTENCY_KEY="bulk-1")
    changed = copy.deepcopy(yespo_bulk)
    changed["contacts"][0]["firstName"] = "Other"

    response = post_bulk(client, changed, HTTP_IDEMPOTENCY_KEY="bulk-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ImportJob.objects.count() == 1


def test_the_session_id_is_the_one_importstatus_answers_for(client, yespo_bulk):
    session_id = post_bulk(client, yespo_bulk).json()["asyncSessionId"]

    assert client.get(status_url(session_id)).json()["status"] == "STARTED"


# --- groups by id, chunks, redelivery, queries -------------------------------------------------------------


def test_a_group_id_that_names_a_list_is_that_list_else_its_name_is_used(client, workspace):
    known = list_create(workspace_id=workspace.pk, name="Known list")
    body = _bulk(
        contact_item("a@example.com", groups=[{"id": known.public_id, "name": "Renamed in the CRM"}]),
        contact_item("b@example.com", groups=[{"id": 1001, "name": "Newsletter Subscribers"}]),
    )

    status = bulk_and_run(client, body)

    assert status["errors"] == []
    assert _members("Known list") == ["a@example.com"]
    assert _members("Newsletter Subscribers") == ["b@example.com"]
    assert not ContactList.objects.filter(name="Renamed in the CRM").exists()


@override_settings(INGEST_CHUNK_SIZE=2)
def test_a_bulk_applied_in_chunks_matches_contacts_of_earlier_chunks(client):
    body = _bulk(
        contact_item("a@example.com", firstName="A"),
        contact_item("b@example.com"),
        contact_item("c@example.com"),
        contact_item("a@example.com", lastName="Later"),
        contact_item("bad"),
    )

    status = bulk_and_run(client, body)

    assert _counts(status) == (5, 5, 3, 1, 1)
    assert Contact.objects.filter(email="a@example.com").values_list("first_name", "last_name").get() == (
        "A",
        "Later",
    )


def test_a_job_run_again_changes_and_counts_nothing(client, yespo_bulk):
    session_id = post_bulk(client, yespo_bulk).json()["asyncSessionId"]
    run_job(session_id)

    job = run_job(session_id)

    assert (job.status, job.processed, job.created, job.updated, job.unchanged) == ("completed", 1, 1, 0, 0)
    assert Contact.objects.count() == 1


def _accept_queries(client, workspace, contacts: int) -> int:
    tier = attribute_definition_create(workspace=workspace, codename=f"tier{contacts}", type="string")
    items = [
        contact_item(
            f"p{n}@example.com",
            fields=[{"id": tier.pk, "value": "x"}],
            groups=[{"id": f"G{n}", "name": f"Group {n}"}],
        )
        for n in range(contacts)
    ]
    with CaptureQueriesContext(connection) as queries:
        response = post_bulk(client, _bulk(*items, customFieldsIDs=[tier.pk], groupNames=["VIP"]))
    assert response.status_code == 200
    return len(queries)


def test_accepting_a_bulk_takes_the_same_queries_for_1_or_300_contacts(client, workspace):
    client.get(BULK_URL)  # a key's use is stamped at a coarse resolution: once, here
    assert _accept_queries(client, workspace, 1) == _accept_queries(client, workspace, 300)


def test_a_bulk_of_3000_contacts_is_applied(client):
    body = _bulk(*[contact_item(f"p{n}@example.com") for n in range(3000)])

    status = bulk_and_run(client, body)

    assert (status["status"], *_counts(status)) == ("FINISHED", 3000, 3000, 3000, 0, 0)
    assert Contact.objects.count() == 3000
