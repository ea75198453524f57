"""The webhook of a completed bulk: one signed post per 1000 contacts, each contact with its result."""

from __future__ import annotations

import hashlib
import hmac

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.imports.models import ImportJob, WebhookDelivery
from apps.imports.webhooks import webhook_delivery_send
from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import contacts_ingest
from apps.vendors.pushtech.bulk import bulk_webhook_payload
from tests.vendors.pushtech.bulk_helpers import post_bulk, run_job

pytestmark = pytest.mark.django_db


def accepted_job(client, workspace, body) -> ImportJob:
    response = post_bulk(client, workspace, body)
    assert response.status_code == 201, response.content
    return run_job(response.json()["bulk"]["_id"])


def send_all(job: ImportJob) -> list[WebhookDelivery]:
    return [webhook_delivery_send(delivery_id=d.pk) for d in WebhookDelivery.objects.filter(job=job)]


def big_bulk(url: str) -> dict:
    contacts = [
        {"user_id": f"u{i}", "email": f"u{i}@example.com", "name_first": f"N{i}", "tags": ["big"]}
        for i in range(2500)
    ]
    contacts[10] = {"name_first": "no identity", "user_id": "lost-10"}
    contacts[1500] = {"user_id": "u1499", "email": "u1499@example.com"}  # a repeat: skipped, exists
    contacts[2499]["phone_countrycode"] = "44"
    contacts[2499]["phone_number"] = "7712345678"
    return {
        "contacts": contacts,
        "webhook_url": url,
        "contacts_webhook_extra_fields": ["name_first", "tags", "loyalty_tier"],
    }


def test_a_2500_contact_bulk_posts_three_signed_parts(client, workspace, receiver):
    handler, url = receiver
    job = accepted_job(client, workspace, big_bulk(url))
    assert (job.created, job.skipped) == (2498, 2)

    deliveries = send_all(job)

    assert [(d.part, d.parts, d.status) for d in deliveries] == [
        (1, 3, "delivered"),
        (2, 3, "delivered"),
        (3, 3, "delivered"),
    ]
    posts = [(headers, orjson.loads(raw)) for headers, raw in handler.received]
    assert sorted((p["part"], p["parts"], len(p["contacts"])) for _, p in posts) == [
        (1, 3, 1000),
        (2, 3, 1000),
        (3, 3, 500),
    ]
    for headers, payload in posts:
        expected = hmac.new(
            workspace.webhook_signing_secret.encode(),
            f"{payload['timestamp']}{payload['token']}".encode(),
            hashlib.sha256,
        ).hexdigest()
        assert headers["Authorization"] == expected
        assert len(payload["token"]) == 50
        assert payload["account_id"] == workspace.public_id
        assert payload["bulk"]["_id"] == job.public_id
        assert (payload["bulk"]["status"], payload["bulk"]["number_of_contacts"]) == ("done", 2500)
        assert (payload["bulk"]["created"], payload["bulk"]["skipped"]) == (2498, 2)
    by_part = {p["part"]: p["contacts"] for _, p in posts}
    everyone = by_part[1] + by_part[2] + by_part[3]
    assert len(everyone) == 2500
    stored = {c.external_id: c.public_id for c in Contact.objects.filter(workspace=workspace)}
    assert everyone[0] == {
        "_id": stored["u0"],
        "user_id": "u0",
        "email": "u0@example.com",
        "phone_countrycode": None,
        "phone_number": None,
        "name_first": "N0",
        "tags": ["big"],
        "loyalty_tier": None,
        "result": "created",
    }
    assert everyone[10] == {
        "user_id": "lost-10",
        "email": None,
        "phone_countrycode": None,
        "phone_number": None,
        "name_first": "no identity",
        "tags": None,
        "loyalty_tier": None,
        "result": "skipped",
        "error": "A contact needs a valid email, or a phone (phone, or phone_countrycode and phone_number).",
    }
    assert everyone[1500]["result"] == "skipped"
    assert everyone[1500]["error"] == "A contact with this identity already exists."
    assert "_id" not in everyone[1500] and everyone[1500]["user_id"] == "u1499"
    assert (everyone[2499]["phone_countrycode"], everyone[2499]["phone_number"]) == ("44", "7712345678")
    assert {c["result"] for i, c in enumerate(everyone) if i not in (10, 1500)} == {"created"}


def test_the_payload_is_read_in_a_fixed_number_of_queries(client, workspace, receiver):
    _, url = receiver
    job = accepted_job(client, workspace, big_bulk(url))
    job = ImportJob.objects.select_related("workspace").get(pk=job.pk)

    def queries(part: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert bulk_webhook_payload(job, part, 3)["part"] == part
        return len(ctx.captured_queries)

    assert queries(1) == queries(3) == 3  # items with contacts, their tags, their issues


def test_extra_fields_come_from_the_stored_contact(client, workspace, receiver):
    _, url = receiver
    attribute_definition_create(workspace=workspace, codename="loyalty_tier")
    body = {
        "match_contact_user_id": True,
        "webhook_url": url,
        "contacts_webhook_extra_fields": [
            "name_first",
            "city",
            "born_date",
            "gender",
            "loyalty_tier",
            "gdpr_accept_terms",
        ],
        "contacts": [
            {
                "user_id": "k1",
                "email": "K1@Example.com",
                "phone": "+34 612 345 678",
                "name_first": "Kay",
                "city": "Madrid",
                "born_date": "1990-01-01T00:00:00Z",
                "gender": "female",
                "loyalty_tier": "gold",
                "gdpr_accept_terms": True,
            }
        ],
    }
    job = accepted_job(client, workspace, body)

    (contact,) = bulk_webhook_payload(job, 1, 1)["contacts"]

    assert contact == {
        "_id": Contact.objects.get().public_id,
        "user_id": "k1",
        "email": "k1@example.com",
        "phone_countrycode": "34",
        "phone_number": "612345678",
        "name_first": "Kay",
        "city": "Madrid",
        "born_date": "1990-01-01",
        "gender": "FEMALE",
        "loyalty_tier": "gold",
        "gdpr_accept_terms": True,
        "result": "created",
    }


def test_an_updated_contact_is_reported_updated(client, workspace, receiver):
    _, url = receiver
    known = contacts_ingest(
        workspace_id=workspace.pk,
        records=[ContactRecord(fields={"external_id": "k1", "email": "k1@example.com"})],
        source=IngestSource(name="api"),
    ).results[0]
    body = {
        "match_contact_user_id": True,
        "webhook_url": url,
        "contacts": [{"user_id": "k1", "email": "k1@example.com"}],
    }
    job = accepted_job(client, workspace, body)

    (contact,) = bulk_webhook_payload(job, 1, 1)["contacts"]

    assert (contact["_id"], contact["result"]) == (known.contact_public_id, "updated")


def test_a_bulk_without_webhook_url_sends_nothing(client, workspace):
    job = accepted_job(client, workspace, {"contacts": [{"email": "a@b.io"}]})

    assert job.status == "completed"
    assert not WebhookDelivery.objects.exists()


def test_a_refused_post_is_not_retried(client, workspace, receiver):
    handler, url = receiver
    handler.status = 406
    job = accepted_job(client, workspace, {"contacts": [{"email": "a@b.io"}], "webhook_url": url})

    (delivery,) = send_all(job)

    assert delivery.status == "refused"
    assert len(handler.received) == 1


def test_the_worker_sends_the_webhook_once_the_job_completes(
    client, workspace, receiver, django_capture_on_commit_callbacks
):
    handler, url = receiver
    with django_capture_on_commit_callbacks(execute=True):
        response = post_bulk(client, workspace, {"contacts": [{"email": "a@b.io"}], "webhook_url": url})

    assert response.status_code == 201
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == "delivered"
    (_headers, raw) = handler.received[0]
    assert orjson.loads(raw)["contacts"][0]["result"] == "created"
