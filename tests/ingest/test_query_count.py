"""The ingest makes a fixed number of queries per chunk, whatever the chunk's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.models import ContactMetric
from apps.contacts.models import ChannelSubscription, ConsentRecord, Contact, ContactTag, Customer
from apps.ingest.records import ChannelChange, ConsentEvent, ContactRecord, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.models import ListMembership
from apps.workspaces.services import workspace_create
from tests.ingest.helpers import SOURCE, definitions_create

pytestmark = pytest.mark.django_db

MAX_QUERIES_PER_CHUNK = 30


def first_pass(n: int) -> list[ContactRecord]:
    return [
        ContactRecord(
            fields={
                "external_id": f"c-{i}",
                "email": f"c{i}@example.com",
                "phone": f"+44 7700 9{i:05d}",
                "first_name": "First",
                "city": "Leeds",
            },
            attributes={"age": i, "plan": "free", "nickname": f"n{i}", "prefs": {"i": i}},
            metrics={"2025-01-01": {"resolved_tickets": i}, "2025-01-02": {"user_status": "new"}},
            customer_external_id="acme",
            lists_add=[ListRef(name="Newsletter", create=True), ListRef(name="Beta", create=True)],
            channels=[ChannelChange("email", "subscribed"), ChannelChange("sms", "subscribed")],
            tags_add=["vip", "beta"],
            consents=[ConsentEvent("marketing", True)],
        )
        for i in range(n)
    ]


def update_pass(n: int) -> list[ContactRecord]:
    return [
        ContactRecord(
            fields={"external_id": f"c-{i}", "first_name": "Second", "city": None},
            attributes={"age": i + 1, "plan": "pro", "nickname": None},
            metrics={"2025-01-02": {"user_status": "old"}, "2025-01-03": {"resolved_tickets": 1}},
            lists_add=[
                ListRef(name="Newsletter", status="unsubscribed"),
                ListRef(name="Spring", create=True),
            ],
            lists_remove=[ListRef(name="Beta")],
            channels=[
                ChannelChange("email", "unsubscribed"),
                ChannelChange("push", "subscribed", address=f"t{i}"),
            ],
            tags_add=["gold"],
            tags_remove=["beta"],
            consents=[ConsentEvent("marketing", False), ConsentEvent("terms", True)],
        )
        for i in range(n)
    ]


def queries_for(workspace, records: list[ContactRecord]) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        report = contacts_ingest(
            workspace_id=workspace.id, records=records, source=SOURCE, chunk_size=len(records)
        )
    assert report.counts["failed"] == report.counts["skipped"] == 0, report.results[0].issues
    assert not any(r.issues for r in report.results), report.results[0].issues
    return len(captured.captured_queries), report.results


def prepared_workspace(name: str):
    workspace = workspace_create(name=name)
    definitions_create(workspace)
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    return workspace


def test_query_count_is_the_same_for_chunks_of_10_and_1000():
    counts = {}
    for size in (10, 1000):
        workspace = prepared_workspace(f"size {size}")
        inserted, results = queries_for(workspace, first_pass(size))
        assert {r.outcome for r in results} == {"created"}
        updated, results = queries_for(workspace, update_pass(size))
        assert {r.outcome for r in results} == {"updated"}
        counts[size] = (inserted, updated)
        contacts = Contact.objects.filter(workspace=workspace)
        assert contacts.filter(first_name="Second", city=None, attributes__plan="pro").count() == size
        assert ContactMetric.objects.filter(contact__workspace=workspace).count() == 3 * size
        assert ListMembership.objects.filter(contact__workspace=workspace).count() == 2 * size
        assert ChannelSubscription.objects.filter(contact__workspace=workspace).count() == 3 * size
        assert ContactTag.objects.filter(contact__workspace=workspace).count() == 2 * size
        assert ConsentRecord.objects.filter(contact__workspace=workspace).count() == 3 * size
    print(f"queries per chunk (insert pass, update pass): {counts}")
    assert counts[10] == counts[1000]
    assert max(counts[10]) <= MAX_QUERIES_PER_CHUNK


def test_history_rides_on_the_contact_statements_on_postgresql(workspace):
    """New contacts and updated ones get their history rows without a statement of their own (PostgreSQL);
    SQLite writes them with one more statement. Either way every change has its row."""
    from apps.contacts.models import ContactChange

    contacts_ingest(
        workspace_id=workspace.id, records=[ContactRecord(fields={"external_id": "old"})], source=SOURCE
    )
    with CaptureQueriesContext(connection) as captured:
        contacts_ingest(
            workspace_id=workspace.id,
            records=[
                ContactRecord(fields={"external_id": "new", "first_name": "N"}),
                ContactRecord(fields={"external_id": "old", "first_name": "O"}),
            ],
            source=SOURCE,
        )
    history_statements = [
        q for q in captured.captured_queries if "contacts_contactchange" in (q["sql"] or "")
    ]
    # SQLite's executemany is logged as "N times: INSERT …"
    standalone = [q for q in history_statements if 'INSERT INTO "contacts_contactchange"' in q["sql"][:60]]
    assert len(standalone) == (0 if connection.vendor == "postgresql" else 2)
    rows = set(ContactChange.objects.values_list("contact__external_id", "action"))
    assert rows == {("old", "created"), ("new", "created"), ("old", "updated")}
    changes = ContactChange.objects.get(action="updated").changes
    assert changes == {"first_name": [None, "O"]}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_ingest_statements_are_never_prepared(db):
    """A prepared look-up runs on PostgreSQL's generic plan after five uses, and for `= ANY($1)` with a
    chunk's 1000 values that plan scans the table: seeding 40,000 contacts took 50 s instead of 8."""
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is None
