"""`POST /customers`: the bulk customer upload (`specs/customerscore.md`), upserted by `external_id` through
an import job of kind "customers". Customers come first: contacts name them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.models import CustomerMetric
from apps.attributes.services import attribute_definition_create, metric_definition_create
from apps.contacts.models import Contact, Customer
from apps.imports.models import ImportIssue, ImportJob
from tests.vendors.customerscore.conftest import (
    BULK_CONTACTS_URL,
    BULK_CUSTOMERS_URL,
    fixture_text,
    send,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def definitions(workspace) -> None:
    attribute_definition_create(workspace=workspace, codename="segment", type="string")
    metric_definition_create(workspace=workspace, codename="resolved_tickets", type="number")


def upload(client, body, url: str = BULK_CUSTOMERS_URL, **extra):
    return send(client, "POST", url, body, **extra)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_upload(client, body, url: str = BULK_CUSTOMERS_URL, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, body, url, **extra)
        return response

    return run_upload


def job_of(response) -> ImportJob:
    return ImportJob.objects.get(public_id=response.json()["import_id"])


def customers(*items) -> str:
    return json.dumps({"customers": list(items)})


def item(n: int, **extra) -> dict:
    return {"external_id": f"K{n}", "name": f"Customer {n}", **extra}


def test_the_example_is_accepted_then_stored(run, client, workspace, definitions, api_key):
    response = run(client, fixture_text("bulk_customers.json"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "import_id", "customers"}
    assert (body["status"], body["customers"]) == ("accepted", 1)
    job = job_of(response)
    assert (job.status, job.kind, job.source, job.options) == (
        "completed",
        "customers",
        "customerscore",
        {"kind": "customers"},
    )
    assert (job.received, job.created, job.warnings, job.api_key_id) == (1, 1, 0, api_key.api_key.pk)
    stored = Customer.objects.get(workspace=workspace)
    assert (stored.external_id, stored.name, stored.owner_email) == (
        "12345",
        "Acme s.r.o.",
        "owner@example.com",
    )
    assert stored.attributes == {"segment": "enterprise"}
    assert list(CustomerMetric.objects.filter(customer=stored).values_list("date", "values")) == [
        (dt.date(2025, 4, 29), {"resolved_tickets": 39})
    ]


def test_a_known_customer_is_updated_by_external_id(run, client, workspace, definitions):
    stored = Customer.objects.create(
        workspace=workspace, external_id="12345", name="Old", owner_email="x@y.cz"
    )
    CustomerMetric.objects.create(
        customer=stored, date=dt.date(2025, 4, 29), values={"resolved_tickets": 1, "nps": 9}
    )

    job = job_of(run(client, fixture_text("bulk_customers.json")))

    assert (job.created, job.updated) == (0, 1)
    stored.refresh_from_db()
    assert (stored.name, stored.owner_email) == ("Acme s.r.o.", "owner@example.com")
    assert CustomerMetric.objects.get(customer=stored).values == {"resolved_tickets": 39, "nps": 9}
    assert Customer.objects.filter(workspace=workspace).count() == 1


def test_an_absent_owner_email_is_kept_and_null_clears_it(run, client, workspace):
    Customer.objects.create(workspace=workspace, external_id="K1", name="One", owner_email="one@example.com")
    Customer.objects.create(workspace=workspace, external_id="K2", name="Two", owner_email="two@example.com")

    run(client, customers(item(1), item(2, owner_email=None)))

    assert dict(Customer.objects.values_list("external_id", "owner_email")) == {
        "K1": "one@example.com",
        "K2": None,
    }


def test_customers_then_their_contacts(run, client, workspace):
    run(client, fixture_text("bulk_customers.json"))

    job = job_of(run(client, fixture_text("bulk_contacts_example.json"), BULK_CONTACTS_URL))

    assert (job.created, job.skipped) == (1, 0)
    assert Contact.objects.get(workspace=workspace).customer.name == "Acme s.r.o."


def test_unmatched_keys_and_bad_values_are_dropped_and_reported(run, client, workspace, definitions):
    body = customers(
        item(
            1,
            owner_email="not an email",
            attributes={"segment": 5, "Segment": "smb", "email": "a@b.cz"},
            metrics=[{"date": "2025-04-29", "resolved_tickets": "many", "nps": 9}],
        )
    )

    job = job_of(run(client, body))

    assert (job.created, job.warnings) == (1, 6)
    assert set(ImportIssue.objects.filter(job=job).values_list("field", "code")) == {
        ("customers[0].owner_email", "invalid_email"),
        ("customers[0].attributes.segment", "invalid_value"),
        ("customers[0].attributes.Segment", "unknown_attribute"),
        ("customers[0].attributes.email", "unknown_attribute"),
        ("customers[0].metrics[0].resolved_tickets", "invalid_value"),
        ("customers[0].metrics[0].nps", "unknown_metric"),
    }
    stored = Customer.objects.get(workspace=workspace)
    assert (stored.owner_email, stored.attributes) == (None, {})


def test_another_workspace_never_changes_ours(run, other_client, workspace, other_workspace):
    mine = Customer.objects.create(workspace=workspace, external_id="12345", name="Mine")

    job = job_of(run(other_client, fixture_text("bulk_customers.json")))

    assert (job.workspace_id, job.created) == (other_workspace.pk, 1)
    mine.refresh_from_db()
    assert mine.name == "Mine"
    assert Customer.objects.get(workspace=other_workspace).name == "Acme s.r.o."


def test_a_read_only_key_is_403(read_only_client):
    response = upload(read_only_client, fixture_text("bulk_customers.json"))

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_405(client, method):
    response = send(client, method, BULK_CUSTOMERS_URL)

    assert response.status_code == 405
    assert response.json()["error"]["message"] == "Only POST method is allowed."


def test_dry_run_says_what_would_happen_and_writes_nothing(client, workspace, definitions):
    Customer.objects.create(workspace=workspace, external_id="K1", name="Customer 1")
    before = table_counts()

    response = upload(
        client, customers(item(1), item(2, attributes={"tier": "gold"})), BULK_CUSTOMERS_URL + "?dry_run=1"
    )

    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["dry_run"], answer["customers"]) == ("dry_run", True, 2)
    assert answer["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "skipped": 0,
        "failed": 0,
        "warnings": 1,
    }
    assert [(i["index"], i["external_id"], i["outcome"]) for i in answer["items"]] == [
        (0, "K1", "unchanged"),
        (1, "K2", "created"),
    ]
    assert answer["items"][1]["issues"][0]["path"] == "customers[1].attributes.tier"
    assert table_counts() == before


def test_idempotency_key_replays_and_refuses_another_body(client):
    first = upload(client, customers(item(1)), HTTP_IDEMPOTENCY_KEY="c-1")
    again = upload(client, customers(item(1)), HTTP_IDEMPOTENCY_KEY="c-1")
    other = upload(client, customers(item(2)), HTTP_IDEMPOTENCY_KEY="c-1")

    assert (again.json(), again["Idempotent-Replayed"]) == (first.json(), "true")
    assert other.status_code == 422
    assert ImportJob.objects.count() == 1


def test_accepting_takes_the_same_queries_for_1_or_100_customers(client):
    upload(client, customers(item(0)))  # the first request of a key records its use

    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert upload(client, customers(*(item(n) for n in range(count)))).status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(100)


def refused(client, body, status: int = 400):
    before = table_counts()
    response = upload(client, body)
    assert response.status_code == status, response.content
    assert table_counts() == before
    return response.json()["error"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{}", [("customers", "required")]),
        (customers(*(item(n) for n in range(101))), [("customers", "max_items")]),
        (customers({"name": "A"}), [("customers[0].external_id", "required")]),
        (customers(item(0), {"external_id": "K1"}), [("customers[1].name", "required")]),
        (customers(item(0, name="x" * 256)), [("customers[0].name", "max_length")]),
        (customers(item(0, external_id=1)), [("customers[0].external_id", "invalid_type")]),
        (customers(item(0, owner_email=["a@b.cz"])), [("customers[0].owner_email", "invalid_type")]),
        (customers(item(0, attributes="x")), [("customers[0].attributes", "invalid_type")]),
        (
            customers(item(0, metrics=[{"date": "2025-04-29"}, {"date": "2025-04-29"}])),
            [("customers[0].metrics[1].date", "duplicate_date")],
        ),
        (
            customers(item(0, metrics=[{"date": "2025-02-30"}])),
            [("customers[0].metrics[0].date", "invalid_date")],
        ),
        (
            customers(
                item(0, metrics=[{"date": f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}"} for n in range(201)])
            ),
            [("customers[0].metrics", "max_items")],
        ),
    ],
)
def test_shape_errors_are_400_naming_the_field(client, body, expected):
    error = refused(client, body)

    assert [(d["path"], d["code"]) for d in error["details"]] == expected


def test_malformed_json_and_nul_are_400(client):
    assert refused(client, '{"customers": [')["code"] == "invalid_json"
    assert refused(client, customers(item(0, name="A\u0000B")))["message"] == (
        "customers[0].name: NUL characters are not allowed."
    )


def test_a_body_over_5_mb_is_413(client):
    text = fixture_text("bulk_customers.json")

    assert (
        refused(client, text + " " * (5 * 1024 * 1024 + 1 - len(text)), status=413)["code"]
        == "body_too_large"
    )
