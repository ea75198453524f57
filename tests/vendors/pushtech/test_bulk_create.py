"""`POST /v2/account/:account_id/contact/bulk`: accepted as a stored job (201), applied by the worker."""

from __future__ import annotations

import datetime as dt
import json
import re

import orjson
import pytest
from rest_framework.test import APIClient

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import ChannelSubscription, ConsentRecord, Contact
from apps.core.api import MB
from apps.imports.models import ImportIssue, ImportJob, WebhookDelivery
from apps.ingest.records import ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.models import ListMembership
from apps.lists.services import list_create
from tests.vendors.pushtech.bulk_helpers import bulk_url, contacts, post_bulk, run_job, run_jobs
from tests.vendors.pushtech.conftest import client_for, fixture

pytestmark = pytest.mark.django_db


def issues(job: ImportJob) -> list[tuple[int, str, str, str]]:
    return list(ImportIssue.objects.filter(job=job).values_list("item_index", "outcome", "field", "code"))


def accepted(response) -> ImportJob:
    assert response.status_code == 201, response.content
    return ImportJob.objects.get(public_id=response.json()["bulk"]["_id"])


def assert_refused(response, status: int, path: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if path is not None:
        assert error["details"][0]["path"] == path
        assert error["message"].startswith(f"{path}: ")
    assert not ImportJob.objects.exists()
    assert not Contact.objects.exists()
    return error


# --- the seed ---------------------------------------------------------------------------------------------


def test_the_seed_request_gets_the_documented_201(api_key, workspace, public_dns):
    request = fixture("bulk_create_request.json")
    route = request["route"].replace(":account_id", workspace.public_id)
    headers = request["headers"]
    raw = json.dumps(request["body"], indent=2).encode()

    response = APIClient().post(
        "/pushtech/api" + route,
        raw,
        content_type=headers["Content-Type"],
        HTTP_ACCEPT=headers["Accept"],
        HTTP_AUTHORIZATION=headers["Authorization"].replace("{account.secret}", api_key.key),
    )

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", body["bulk"]["_id"])
    documented = fixture("bulk_create_response.json")
    documented["bulk"]["_id"] = body["bulk"]["_id"]
    assert body == documented
    job = ImportJob.objects.get(public_id=body["bulk"]["_id"])
    assert (job.workspace_id, job.source, job.status, job.received) == (workspace.pk, "pushtech", "queued", 2)
    assert bytes(job.payload) == raw
    assert job.webhook_url == "https://requestb.in/qxvaw0qx"


def test_the_seed_bulk_stores_one_contact_and_reports_the_repeat(client, workspace, public_dns):
    job = accepted(post_bulk(client, workspace, fixture("bulk_create_request.json")["body"]))

    job = run_job(job.public_id)

    assert (job.status, job.created, job.skipped, job.failed) == ("completed", 1, 1, 0)
    contact = Contact.objects.get(workspace=workspace)
    assert (contact.first_name, contact.last_name, contact.email, contact.phone) == (
        "John",
        "Doe",
        "johndoe@example.com",
        "+447712345678",
    )
    assert (contact.last_source, contact.last_import_id) == ("pushtech", job.pk)
    assert issues(job) == [(1, "skipped", "", "exists")]
    assert list(WebhookDelivery.objects.filter(job=job).values_list("part", "parts", "url")) == [
        (1, 1, "https://requestb.in/qxvaw0qx")
    ]


def test_the_end_to_end_tests_contract(client, workspace, receiver):
    _, url = receiver
    body = {
        "contacts": [
            {"email": f"a{i}@example.com", "name_first": f"N{i}", "user_id": f"a{i}"} for i in range(3)
        ],
        "match_contact_user_id": True,
        "webhook_url": url,
    }

    response = post_bulk(client, workspace, body)

    job = accepted(response)
    assert job.public_id == response.json()["bulk"]["_id"]
    assert response.json()["bulk"]["webhook_url"] == url
    assert run_job(job.public_id).created == 3


def test_accepted_jobs_are_run_by_the_worker_after_commit(
    client, workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_bulk(client, workspace, {"contacts": contacts(3)})

    assert response.json()["bulk"]["status"] == "queue"
    assert ImportJob.objects.get().status == "completed"
    assert Contact.objects.filter(workspace=workspace).count() == 3


# --- what is stored ---------------------------------------------------------------------------------------


@pytest.fixture
def every_field(workspace):
    """The every-field fixture with the workspace's definitions and lists it names."""
    attribute_definition_create(workspace=workspace, codename="device_id")
    attribute_definition_create(workspace=workspace, codename="facebook_friends", type="number")
    attribute_definition_create(workspace=workspace, codename="loyalty_tier")
    one = list_create(workspace_id=workspace.pk, name="One")
    two = list_create(workspace_id=workspace.pk, name="Two")
    text = json.dumps(fixture("bulk_every_field.json"))
    body = json.loads(text.replace("LIST_ONE", one.public_id).replace("LIST_TWO", two.public_id))
    return body, one, two


def test_every_documented_field_is_stored(client, workspace, every_field):
    body, one, two = every_field
    existing = contacts_ingest(
        workspace_id=workspace.pk,
        records=[
            ContactRecord(fields={"external_id": "crm-1001"}, lists_add=[ListRef(public_id=two.public_id)])
        ],
        source=IngestSource(name="api"),
    ).results[0]
    assert ListMembership.objects.filter(list=two, contact_id=existing.contact_id).exists()

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.updated, job.skipped, job.failed) == (0, 1, 0, 0)
    c = Contact.objects.get(workspace=workspace)
    assert c.pk == existing.contact_id
    assert (c.external_id, c.email, c.phone, c.first_name, c.last_name) == (
        "crm-1001",
        "jane.roe@example.com",
        "+34612345678",
        "Jane",
        "Roe",
    )
    assert (c.city, c.country, c.region, c.postcode, c.address_line1) == (
        "Madrid",
        "ES",
        "Madrid",
        "28001",
        "Calle Mayor 1",
    )
    assert (c.birth_date, c.gender, c.language) == (dt.date(1990, 1, 1), "female", "es")
    assert c.attributes == {"device_id": "d-7f3a", "facebook_friends": 250, "loyalty_tier": "gold"}
    assert sorted(t.name for t in c.tags.all()) == ["newsletter", "vip"]
    assert list(ListMembership.objects.filter(contact=c).values_list("list_id", "status")) == [
        (one.pk, "subscribed")
    ]
    assert sorted(
        ChannelSubscription.objects.filter(contact=c).values_list("channel", "address", "status")
    ) == [
        ("email", "jane.roe@example.com", "subscribed"),
        ("sms", "+34612345678", "blacklisted"),
    ]
    at = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    assert sorted(
        ConsentRecord.objects.filter(contact=c).values_list(
            "kind", "granted", "at", "ip", "source", "import_job"
        )
    ) == [
        ("marketing", False, at, "203.0.113.7", "pushtech", job.pk),
        ("terms", True, at, "203.0.113.7", "pushtech", job.pk),
    ]
    # The social and geo fields without a definition are dropped, each with a warning naming it.
    assert sorted(f for _, _, f, code in issues(job) if code == "unknown_attribute") == [
        "contacts[0].facebook_id",
        "contacts[0].google_id",
        "contacts[0].last_latitude",
        "contacts[0].last_longitude",
        "contacts[0].twitter_followers",
        "contacts[0].twitter_id",
    ]


def test_unknown_custom_fields_are_dropped_with_a_warning(client, workspace):
    job = run_job(
        accepted(post_bulk(client, workspace, {"contacts": [{"email": "a@b.io", "shoe_size": 44}]})).public_id
    )

    assert job.created == 1 and job.warnings == 1
    assert Contact.objects.get().attributes == {}
    issue = ImportIssue.objects.get(job=job)
    assert (issue.field, issue.code, issue.severity) == (
        "contacts[0].shoe_size",
        "unknown_attribute",
        "warning",
    )


def test_a_built_in_codename_as_custom_field_lands_in_its_column(client, workspace):
    run_job(
        accepted(
            post_bulk(client, workspace, {"contacts": [{"email": "a@b.io", "company": "Acme"}]})
        ).public_id
    )

    assert Contact.objects.get().company == "Acme"


def test_unknown_list_ids_are_reported_per_item(client, workspace):
    known = list_create(workspace_id=workspace.pk, name="Known")
    body = {
        "contacts": [
            {"email": "a@b.io", "list_subscriptions": [{"list_id": "nope", "subscribed": True}]},
            {"email": "b@b.io", "list_subscriptions": [{"list_id": known.public_id, "subscribed": True}]},
            {"email": "c@b.io", "list_subscriptions": [{"list_id": "gone", "subscribed": False}]},
            {
                "email": "d@b.io",
                "list_subscriptions": [
                    {"list_id": "nope", "subscribed": True},
                    {"list_id": "gone", "subscribed": False},
                ],
            },
        ]
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert job.created == 4
    assert ListMembership.objects.filter(list=known).count() == 1
    rows = ImportIssue.objects.filter(job=job).order_by("item_index", "id")
    assert [(i.item_index, i.field, i.code, i.message) for i in rows] == [
        (0, "contacts[0].list_subscriptions", "unknown_list", "list 'nope' does not exist; not added."),
        (
            2,
            "contacts[2].list_subscriptions",
            "unknown_list",
            "list 'gone' does not exist; nothing to unsubscribe from.",
        ),
        (3, "contacts[3].list_subscriptions", "unknown_list", "list 'nope' does not exist; not added."),
        (
            3,
            "contacts[3].list_subscriptions",
            "unknown_list",
            "list 'gone' does not exist; nothing to unsubscribe from.",
        ),
    ]
    assert job.warnings == 4


def test_a_dry_run_reports_unknown_lists_too(client, workspace):
    body = {
        "contacts": [{"email": "c@b.io", "list_subscriptions": [{"list_id": "gone", "subscribed": False}]}]
    }

    data = post_bulk(client, workspace, body, query="?dry_run=true").json()

    assert [i["code"] for i in data["contacts"][0]["issues"]] == ["unknown_list"]


def test_per_contact_problems_skip_that_contact_only(client, workspace):
    body = {
        "contacts": [
            {"email": "ok@b.io"},
            {"name_first": "No identity"},
            {"email": "d@b.io", "born_date": "2025-02-30"},
            {"email": "g@b.io", "gender": "UNKNOWN"},
            {"email": "t@b.io", "gdpr_date": "2025-02-30T00:00:00Z", "gdpr_accept_terms": True},
        ]
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.skipped) == (1, 4)
    assert list(Contact.objects.values_list("email", flat=True)) == ["ok@b.io"]
    assert issues(job) == [
        (1, "skipped", "contacts[1]", "missing_identity"),
        (2, "skipped", "contacts[2].born_date", "invalid_date"),
        (3, "skipped", "contacts[3].gender", "invalid_gender"),
        (4, "skipped", "contacts[4].gdpr_date", "invalid_date"),
    ]


def test_an_invalid_email_is_reported_and_the_contact_kept_by_its_phone(client, workspace):
    body = {
        "validate_emails": True,
        "contacts": [
            {"email": "not-an-email", "phone": "+447712345678", "user_id": "p1"},
            {"email": "also@not@valid", "user_id": "p2"},
        ],
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.skipped) == (1, 1)
    kept = Contact.objects.get()
    assert (kept.external_id, kept.email, kept.phone) == ("p1", None, "+447712345678")
    assert issues(job) == [
        (0, "created", "contacts[0].email", "invalid_email"),
        (1, "skipped", "contacts[1]", "missing_identity"),
    ]


def test_validate_emails_looks_domains_up_only_when_the_deployment_allows(client, workspace, settings):
    import socket
    from unittest import mock

    from apps.vendors.pushtech import bulk

    settings.PUSHTECH_VALIDATE_EMAILS_DNS = True
    bulk._dns_cache.clear()

    def getaddrinfo(host, *args, **kwargs):
        if host == "nowhere.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 25))]

    body = {
        "validate_emails": True,
        "contacts": [
            {"email": "a@nowhere.example", "phone": "+447712345678"},
            {"email": "b@nowhere.example"},
            {"email": "c@fine.example"},
        ],
    }
    with mock.patch("socket.getaddrinfo", getaddrinfo):
        job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.skipped, job.warnings) == (2, 1, 2)
    assert set(Contact.objects.values_list("email", "phone")) == {
        ("c@fine.example", None),
        (None, "+447712345678"),
    }
    assert issues(job) == [
        (0, "created", "contacts[0].email", "invalid_email"),
        (1, "skipped", "contacts[1]", "missing_identity"),
        (1, "skipped", "contacts[1].email", "invalid_email"),
    ]


def test_without_the_setting_no_lookup_is_made(client, workspace, settings):
    from unittest import mock

    settings.PUSHTECH_VALIDATE_EMAILS_DNS = False
    body = {"validate_emails": True, "contacts": [{"email": "a@nowhere.example"}]}
    with mock.patch("socket.getaddrinfo", side_effect=AssertionError("no DNS")):
        job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert job.created == 1


def test_translator_warnings_are_reported_once(client, workspace):
    body = {
        "contacts": [
            {
                "email": "a@b.io",
                "gdpr_accept_terms": True,
                "gdpr_remote_ip": "not-an-ip",
                "channel_subscriptions": [{"channel": "fax"}],
            }
        ]
    }
    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    from apps.vendors.pushtech.bulk import bulk_on_complete

    bulk_on_complete(job)  # a second call adds nothing

    job.refresh_from_db()
    assert job.warnings == 2
    assert issues(job) == [
        (0, "created", "contacts[0].gdpr_remote_ip", "invalid_ip"),
        (0, "created", "contacts[0].channel_subscriptions[0].channel", "invalid_channel"),
    ]
    assert ConsentRecord.objects.get().ip is None


# --- identity ---------------------------------------------------------------------------------------------


@pytest.fixture
def known(workspace) -> Contact:
    """A contact stored through another path (the native API's source)."""
    result = contacts_ingest(
        workspace_id=workspace.pk,
        records=[
            ContactRecord(fields={"external_id": "u1", "email": "known@example.com", "first_name": "Old"})
        ],
        source=IngestSource(name="api"),
    ).results[0]
    return Contact.objects.get(pk=result.contact_id)


def test_match_contact_user_id_updates_the_contact_of_that_user_id(client, workspace, known):
    body = {
        "match_contact_user_id": True,
        "contacts": [{"user_id": "u1", "email": "known@example.com", "name_first": "New"}],
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.updated) == (0, 1)
    assert list(Contact.objects.values_list("pk", "first_name")) == [(known.pk, "New")]


def test_match_contact_user_id_finds_by_user_id_even_with_a_new_email(client, workspace, known):
    body = {"match_contact_user_id": True, "contacts": [{"user_id": "u1", "email": "new@example.com"}]}

    run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert list(Contact.objects.values_list("pk", "email")) == [(known.pk, "new@example.com")]


@pytest.mark.parametrize(
    "contact",
    [
        {"user_id": "u1", "email": "other@example.com", "name_first": "New"},
        {"email": "KNOWN@example.com", "name_first": "New"},
        {"user_id": "u1", "phone": "+447712345678", "name_first": "New"},
    ],
)
def test_without_the_flag_an_existing_contact_is_left_untouched_and_skipped(
    client, workspace, known, contact
):
    job = run_job(accepted(post_bulk(client, workspace, {"contacts": [contact]})).public_id)

    assert (job.created, job.skipped) == (0, 1)
    assert issues(job) == [(0, "skipped", "", "exists")]
    assert list(Contact.objects.values_list("pk", "first_name", "email")) == [
        (known.pk, "Old", "known@example.com")
    ]


def test_a_repeat_within_the_bulk_is_skipped_without_the_flag(client, workspace):
    body = {
        "contacts": [
            {"user_id": "r1", "email": "r@x.io"},
            {"user_id": "r1", "email": "r2@x.io"},
            {"email": "r@x.io"},
        ]
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.skipped) == (1, 2)
    assert Contact.objects.count() == 1


def test_a_repeat_within_the_bulk_updates_with_the_flag(client, workspace):
    body = {
        "match_contact_user_id": True,
        "contacts": [
            {"user_id": "r1", "email": "r@x.io", "name_first": "A"},
            {"user_id": "r1", "name_first": "B", "email": "r@x.io"},
        ],
    }

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert (job.created, job.updated) == (1, 1)
    assert list(Contact.objects.values_list("first_name", flat=True)) == ["B"]


def test_two_contacts_behind_one_item_is_a_conflict_not_a_merge(client, workspace, known):
    contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields={"external_id": "u2", "email": "two@example.com"})],
        source=IngestSource(name="api"),
    )
    body = {"match_contact_user_id": True, "contacts": [{"user_id": "u1", "email": "two@example.com"}]}

    job = run_job(accepted(post_bulk(client, workspace, body)).public_id)

    assert job.failed == 1
    assert issues(job) == [(0, "failed", "contacts[0].email", "identity_conflict")]
    assert Contact.objects.count() == 2


def test_another_workspaces_contacts_are_never_matched(client, workspace, other_workspace):
    contacts_ingest(
        workspace_id=other_workspace.pk,
        records=[ContactRecord(fields={"external_id": "u1", "email": "same@example.com"})],
        source=IngestSource(name="api"),
    )

    job = run_job(
        accepted(
            post_bulk(client, workspace, {"contacts": [{"user_id": "u1", "email": "same@example.com"}]})
        ).public_id
    )

    assert job.created == 1
    assert Contact.objects.filter(workspace=workspace).count() == 1
    assert Contact.objects.filter(workspace=other_workspace).count() == 1


# --- refused requests: nothing is stored -----------------------------------------------------------------


def raw_post(client, workspace, raw: bytes, **extra):
    return client.post(bulk_url(workspace.public_id), raw, content_type="application/json", **extra)


def test_malformed_json_is_400(client, workspace):
    error = assert_refused(raw_post(client, workspace, b'{"contacts": [{"email": "a@b.io"},]}'), 400)

    assert error["code"] == "invalid_json"


def test_deep_nesting_is_400(client, workspace):
    raw = b'{"contacts": [{"email": "a@b.io", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}]}"

    assert_refused(raw_post(client, workspace, raw), 400)


def test_nul_characters_are_400(client, workspace):
    assert_refused(raw_post(client, workspace, b'{"contacts": [{"email": "a\\u0000@b.io"}]}'), 400)


def test_an_empty_body_is_400(client, workspace):
    assert_refused(raw_post(client, workspace, b""), 400)


def test_a_body_over_32_mb_is_413_before_parsing(client, workspace):
    raw = b'{"contacts": [{"email": "a@b.io", "pad": "' + b"x" * (32 * MB) + b'"}]}'
    assert len(raw) > 32 * MB + 1

    error = assert_refused(raw_post(client, workspace, raw[: 32 * MB + 1]), 413)

    assert error["code"] == "body_too_large"


def test_a_body_of_32_mb_is_not_refused_for_its_size(client, workspace):
    head, tail = b'{"contacts": [{"email": "a@b.io", "pad": "', b'"}]}'
    raw = head + b"x" * (32 * MB - len(head) - len(tail)) + tail

    assert raw_post(client, workspace, raw).status_code == 201


def test_5001_contacts_is_400(client, workspace):
    assert_refused(post_bulk(client, workspace, {"contacts": contacts(5001)}), 400, "contacts")


def test_5000_contacts_are_accepted(client, workspace):
    assert accepted(post_bulk(client, workspace, {"contacts": contacts(5000)})).received == 5000


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"contacts": "a@b.io"}, "contacts"),
        ({"contacts": [{"email": "a@b.io"}, ["b@b.io"]]}, "contacts[1]"),
        ({"contacts": [{"email": "a@b.io", "tags": "vip"}]}, "contacts[0].tags"),
        ({"contacts": [{"email": "a@b.io", "gdpr_accept_terms": "yes"}]}, "contacts[0].gdpr_accept_terms"),
        ({"contacts": [{"email": ["a@b.io"]}]}, "contacts[0].email"),
        (
            {"contacts": [{"email": "a@b.io", "list_subscriptions": [{"list_id": None}]}]},
            "contacts[0].list_subscriptions[0].list_id",
        ),
        ({"contacts": [{"email": "a@b.io"}], "match_contact_user_id": "yes"}, "match_contact_user_id"),
        (
            {"contacts": [{"email": "a@b.io"}], "contacts_webhook_extra_fields": "x"},
            "contacts_webhook_extra_fields",
        ),
        ({"contact": [{"email": "a@b.io"}]}, "contacts"),
    ],
)
def test_wrong_types_are_400_naming_the_field(client, workspace, body, path):
    assert_refused(post_bulk(client, workspace, body), 400, path)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/hook",
        "http://[::1]/hook",
        "https://192.168.0.10/hook",
        "ftp://hooks.example.com/x",
        "not a url",
    ],
)
def test_internal_or_non_http_webhook_urls_are_400(client, workspace, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    error = assert_refused(
        post_bulk(client, workspace, {"contacts": contacts(1), "webhook_url": url}), 400, "webhook_url"
    )

    assert error["details"][0]["code"] == "unsafe_url"


def test_a_non_json_content_type_is_415(client, workspace):
    response = client.post(
        bulk_url(workspace.public_id), "contacts=1", content_type="application/x-www-form-urlencoded"
    )

    assert_refused(response, 415)


def test_an_accept_header_without_json_is_406(client, workspace):
    assert_refused(post_bulk(client, workspace, {"contacts": contacts(1)}, HTTP_ACCEPT="text/html"), 406)


# --- keys, accounts, methods ------------------------------------------------------------------------------


def test_another_workspaces_key_on_our_account_is_403(other_key, workspace):
    error = assert_refused(post_bulk(client_for(other_key.key), workspace, {"contacts": contacts(1)}), 403)

    assert error["code"] == "permission_denied"


def test_our_key_on_another_account_is_403(client, other_workspace):
    assert_refused(post_bulk(client, other_workspace, {"contacts": contacts(1)}), 403)


def test_a_read_only_key_is_403(read_only_key, workspace):
    assert_refused(post_bulk(client_for(read_only_key.key), workspace, {"contacts": contacts(1)}), 403)


def test_a_missing_key_is_401(workspace):
    assert_refused(post_bulk(APIClient(), workspace, {"contacts": contacts(1)}), 401)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_are_405(client, workspace, method):
    response = getattr(client, method)(bulk_url(workspace.public_id))

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_path_works_with_a_trailing_slash(client, workspace):
    response = client.post(bulk_url(workspace.public_id) + "/", {"contacts": contacts(1)}, format="json")

    assert accepted(response).received == 1


# --- dry run and idempotency -----------------------------------------------------------------------------


def test_a_dry_run_makes_no_job_and_previews_every_contact(client, workspace, known):
    body = {
        "contacts": [
            {"email": "new@example.com", "shoe_size": 44},
            {"user_id": "u1", "email": "known@example.com"},
            {"name_first": "No identity"},
            {"email": "new@example.com"},
        ]
    }

    response = post_bulk(client, workspace, body, query="?dry_run=true")

    assert response.status_code == 200
    data = response.json()
    assert data["dry_run"] is True
    assert data["bulk"]["_id"] is None
    assert (data["bulk"]["created"], data["bulk"]["updated"], data["bulk"]["skipped"]) == (1, 0, 3)
    assert [c["result"] for c in data["contacts"]] == ["created", "skipped", "skipped", "skipped"]
    assert [[i["code"] for i in c["issues"]] for c in data["contacts"]] == [
        ["unknown_attribute"],
        ["exists"],
        ["missing_identity"],
        ["exists"],
    ]
    assert data["contacts"][0]["issues"][0]["field"] == "contacts[0].shoe_size"
    assert not ImportJob.objects.exists()
    assert list(Contact.objects.values_list("pk", flat=True)) == [known.pk]


def test_a_dry_run_with_the_flag_says_which_contact_it_would_update(client, workspace, known):
    body = {
        "match_contact_user_id": True,
        "contacts": [{"user_id": "u1", "email": "known@example.com", "name_first": "New"}],
    }

    data = post_bulk(client, workspace, body, query="?dry_run=true").json()

    assert data["contacts"] == [{"index": 0, "result": "updated", "_id": known.public_id, "issues": []}]
    known.refresh_from_db()
    assert known.first_name == "Old"


def test_a_dry_run_checks_the_shape_too(client, workspace):
    assert_refused(post_bulk(client, workspace, {"contacts": []}, query="?dry_run=true"), 400, "contacts")


def test_an_idempotency_key_replays_the_same_201(client, workspace):
    body = {"contacts": contacts(2)}

    first = post_bulk(client, workspace, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_bulk(client, workspace, body, HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


def test_an_idempotency_key_with_another_body_is_422(client, workspace):
    post_bulk(client, workspace, {"contacts": contacts(2)}, HTTP_IDEMPOTENCY_KEY="k-1")

    response = post_bulk(client, workspace, {"contacts": contacts(3)}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert ImportJob.objects.count() == 1


def test_the_201_comes_back_before_the_job_runs(client, workspace):
    response = post_bulk(client, workspace, {"contacts": contacts(2)})

    assert response.status_code == 201
    assert ImportJob.objects.get().status == "queued"
    assert not Contact.objects.exists()
    assert orjson.loads(bytes(ImportJob.objects.get().payload))["contacts"] == contacts(2)
    assert [j.status for j in run_jobs()] == ["completed"]


def test_a_5000_contact_bulk_at_the_default_chunk_size(client, workspace, settings):
    settings.INGEST_CHUNK_SIZE = 1000

    job = run_job(accepted(post_bulk(client, workspace, {"contacts": contacts(5000)})).public_id)

    assert (job.status, job.created) == ("completed", 5000)
    assert Contact.objects.filter(workspace=workspace).count() == 5000
