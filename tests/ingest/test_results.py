"""Results (one per record, in input order), unchanged records, customer links and the change history."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.contacts.models import Contact, ContactChange, Customer
from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
from tests.ingest.helpers import SOURCE, codes, contact, issue, only, rec

pytestmark = pytest.mark.django_db


# --- results --


def test_one_result_per_record_in_input_order(ingest, workspace):
    ingest(rec(external_id="old", first_name="Old"), rec(external_id="same", first_name="Same"))
    records = [
        rec(external_id="new-1"),
        rec(external_id="old", first_name="Older"),
        rec(first_name="no identity"),
        rec(external_id="same", first_name="Same"),
        rec(external_id="new-2", email="broken"),
        rec(external_id="old", email="x@example.com"),
        rec(external_id="new-3"),
    ]
    report = ingest(*records, chunk_size=2)
    assert [(r.index, r.outcome) for r in report.results] == [
        (0, "created"),
        (1, "updated"),
        (2, "failed"),
        (3, "unchanged"),
        (4, "created"),
        (5, "updated"),
        (6, "created"),
    ]
    ids = dict(Contact.objects.values_list("external_id", "id"))
    assert [r.contact_id for r in report.results] == [
        ids["new-1"],
        ids["old"],
        None,
        ids["same"],
        ids["new-2"],
        ids["old"],
        ids["new-3"],
    ]
    assert report.counts == {"created": 3, "updated": 2, "unchanged": 1, "skipped": 0, "failed": 1}


def test_result_carries_the_contact_public_id(ingest, workspace):
    result = only(ingest(rec(external_id="c-1")))
    assert result.contact_public_id == contact(workspace, external_id="c-1").public_id


def test_results_are_numbered_from_the_start_index(ingest, workspace):
    report = ingest(rec(external_id="a"), rec(external_id="b"), start_index=500)
    assert [r.index for r in report.results] == [500, 501]


def test_results_are_handed_over_chunk_by_chunk(ingest, workspace):
    chunks: list[list[int]] = []
    ingest(
        *[rec(external_id=f"c-{n}") for n in range(5)],
        chunk_size=2,
        on_chunk=lambda rs: chunks.append([r.index for r in rs]),
    )
    assert chunks == [[0, 1], [2, 3], [4]]


def test_issues_carry_field_paths_and_severity(ingest, workspace, definitions):
    record = ContactRecord(
        fields={"external_id": "c-1", "email": "nope"},
        attributes={"age": "old", "shoe_size": 9},
        metrics={"2025-02-30": {"resolved_tickets": 1}},
        paths={
            "email": "contacts[3].attributes.email",
            "attributes.age": "contacts[3].attributes.age",
            "attributes.shoe_size": "contacts[3].attributes.shoe_size",
            "metrics[2025-02-30]": "contacts[3].metrics[0].date",
        },
    )
    result = only(ingest(record))
    assert result.ok
    assert result.errors == []
    assert {(i.path, i.code, i.severity) for i in result.warnings} == {
        ("contacts[3].attributes.email", "invalid_email", "warning"),
        ("contacts[3].attributes.age", "invalid_value", "warning"),
        ("contacts[3].attributes.shoe_size", "unknown_attribute", "warning"),
        ("contacts[3].metrics[0].date", "invalid_date", "warning"),
    }


# --- unchanged --


def test_resending_the_same_record_is_unchanged_and_writes_nothing(ingest, workspace, definitions):
    record = ContactRecord(
        fields={
            "external_id": "c-1",
            "email": "Ann@Example.com",
            "phone": "+44 7700 900123",
            "birth_date": "1990-05-17",
        },
        attributes={
            "age": 42,
            "prefs": {"a": [1, 2.5]},
            "signed_up": "2025-01-01T10:00:00+01:00",
            "plan": "pro",
        },
        metrics={"2025-01-01": {"resolved_tickets": 1}},
        tags_add=["vip"],
    )
    ingest(record)
    before = list(Contact.objects.values())
    changes = ContactChange.objects.count()
    result = only(ingest(record))
    assert (result.outcome, result.contact_id) == ("unchanged", before[0]["id"])
    assert list(Contact.objects.values()) == before
    assert ContactChange.objects.count() == changes


def test_unchanged_keeps_updated_at_and_last_action(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann"))
    before = contact(workspace, external_id="c-1")
    result = only(
        ingest(rec(external_id="c-1", first_name="Ann"), source=IngestSource(name="csv", update_action="CSV"))
    )
    after = contact(workspace, external_id="c-1")
    assert result.outcome == "unchanged"
    assert (after.updated_at, after.last_action, after.last_source) == (
        before.updated_at,
        before.last_action,
        "api",
    )


def test_update_stamps_updated_at_and_provenance(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann"))
    before = contact(workspace, external_id="c-1")
    ingest(
        rec(external_id="c-1", first_name="Annie"),
        source=IngestSource(name="csv", update_action="CSV_UPDATE"),
    )
    after = contact(workspace, external_id="c-1")
    assert after.updated_at > before.updated_at
    assert (after.created_at, after.last_action, after.last_source) == (
        before.created_at,
        "CSV_UPDATE",
        "csv",
    )


def test_new_contact_stamps_the_create_action(ingest, workspace):
    ingest(rec(external_id="c-1"), source=IngestSource(name="trustmary", create_action="API_CREATE"))
    c = contact(workspace, external_id="c-1")
    assert (c.last_action, c.last_source) == ("API_CREATE", "trustmary")


# --- customers --


@pytest.fixture
def acme(workspace) -> Customer:
    return Customer.objects.create(workspace=workspace, external_id="acme", name="Acme Ltd")


def test_known_customer_is_linked(ingest, workspace, acme):
    result = only(ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="acme")))
    assert result.outcome == "created"
    assert contact(workspace, external_id="c-1").customer_id == acme.id


def test_numeric_customer_reference_is_matched_as_text(ingest, workspace):
    customer = Customer.objects.create(workspace=workspace, external_id="42", name="Forty-two")
    ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id=42))
    assert contact(workspace, external_id="c-1").customer_id == customer.id


def test_absent_customer_leaves_the_link_alone(ingest, workspace, acme):
    ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="acme"))
    result = only(ingest(rec(external_id="c-1", city="Leeds")))
    assert result.outcome == "updated"
    assert contact(workspace, external_id="c-1").customer_id == acme.id


def test_customer_link_is_cleared(ingest, workspace, acme):
    ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="acme"))
    result = only(ingest(ContactRecord(fields={"external_id": "c-1"}, clear_customer=True)))
    assert result.outcome == "updated"
    assert contact(workspace, external_id="c-1").customer_id is None


def test_customer_of_another_workspace_is_unknown(ingest, workspace, other_workspace):
    Customer.objects.create(workspace=other_workspace, external_id="acme", name="Theirs")
    result = only(ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="acme")))
    assert result.outcome == "skipped"
    assert "unknown_customer" in codes(result)


def test_unknown_customer_skips_an_update(ingest, workspace):
    ingest(rec(external_id="c-1", city="Leeds"))
    result = only(
        ingest(ContactRecord(fields={"external_id": "c-1", "city": "York"}, customer_external_id="nope"))
    )
    found = issue(result, "unknown_customer")
    assert (result.outcome, result.contact_id) == ("skipped", None)
    assert (found.path, found.severity) == ("customer_external_id", "error")
    assert contact(workspace, external_id="c-1").city == "Leeds"


def test_unknown_customer_skips_a_new_contact_and_writes_nothing(ingest, workspace):
    result = only(ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="nope")))
    assert (result.outcome, result.contact_id) == ("skipped", None)
    assert "unknown_customer" in codes(result)
    assert not Contact.objects.exists()
    assert not ContactChange.objects.exists()


def test_unknown_customer_is_ignored_with_a_warning_when_asked(ingest, workspace):
    result = only(
        ingest(
            ContactRecord(
                fields={"external_id": "c-1"},
                customer_external_id="nope",
                paths={"customer_external_id": "company_id"},
            ),
            policy=MatchPolicy(unknown_customer="ignore"),
        )
    )
    found = issue(result, "unknown_customer")
    assert result.outcome == "created"
    assert (found.path, found.severity) == ("company_id", "warning")
    assert contact(workspace, external_id="c-1").customer_id is None


# --- change history --


def test_new_contact_is_recorded_as_created(ingest, workspace, api_key):
    source = IngestSource(name="trustmary", api_key_id=api_key.api_key.id)
    ingest(rec(external_id="c-1", first_name="Ann"), source=source)
    change = ContactChange.objects.get()
    assert (change.contact_id, change.action, change.source, change.api_key_id) == (
        contact(workspace, external_id="c-1").id,
        "created",
        "trustmary",
        api_key.api_key.id,
    )


def test_field_changes_are_recorded_as_old_and_new(ingest, workspace, admin_user):
    ingest(rec(external_id="c-1", first_name="Ann", city="Leeds", birth_date="1990-01-01"))
    ingest(
        rec(external_id="c-1", first_name="Annie", city=None, birth_date="1990-01-02", company="Acme"),
        source=IngestSource(name="dashboard", user_id=admin_user.id),
    )
    change = ContactChange.objects.filter(action="updated").get()
    assert change.changes == {
        "first_name": ["Ann", "Annie"],
        "city": ["Leeds", None],
        "birth_date": ["1990-01-01", "1990-01-02"],
        "company": [None, "Acme"],
    }
    assert (change.source, change.user_id) == ("dashboard", admin_user.id)


def test_unchanged_record_adds_no_history(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann"))
    ingest(rec(external_id="c-1", first_name="Ann"))
    assert list(ContactChange.objects.values_list("action", flat=True)) == ["created"]


def test_several_records_for_one_contact_make_one_history_row(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann"))
    ingest(rec(external_id="c-1", first_name="Annie"), rec(external_id="c-1", first_name="Anna"))
    change = ContactChange.objects.filter(action="updated").get()
    assert change.changes == {"first_name": ["Ann", "Anna"]}


def test_restore_is_recorded(ingest, workspace):
    ingest(rec(external_id="c-1"))
    deleted_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    Contact.objects.update(deleted_at=deleted_at)
    ingest(rec(external_id="c-1"))
    change = ContactChange.objects.filter(action="restored").get()
    assert change.changes == {"deleted_at": ["2025-01-01T00:00:00+00:00", None]}


def test_customer_link_change_is_recorded(ingest, workspace):
    acme = Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    ingest(rec(external_id="c-1"))
    ingest(ContactRecord(fields={"external_id": "c-1"}, customer_external_id="acme"))
    assert ContactChange.objects.filter(action="updated").get().changes == {"customer_id": [None, acme.id]}


# --- rows returned to synchronous endpoints --


def _as_read(workspace, contact_id) -> dict:
    stored = Contact.objects.get(workspace=workspace, pk=contact_id)
    return {f.attname: getattr(stored, f.attname) for f in Contact._meta.concrete_fields}


def test_with_rows_returns_each_contact_exactly_as_stored(ingest, workspace, definitions):
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    ingest(
        rec(external_id="kept", email="kept@example.com", first_name="Kept"),
        rec(external_id="moved", email="moved@example.com", first_name="Old"),
        rec(external_id="listed", email="listed@example.com"),
    )
    records = [
        ContactRecord(
            fields={"external_id": "new", "email": "New@Example.com", "phone": "+420 601 123 456"},
            attributes={
                "age": 41,
                "plan": "pro",
                "prefs": {"a": [1, 2.5]},
                "last_contacted_at": "2025-03-01",
            },
            customer_external_id="acme",
        ),
        rec(external_id="moved", first_name="New", birth_date="1990-05-06"),
        rec(external_id="kept", first_name="Kept"),
        ContactRecord(fields={"external_id": "listed"}, tags_add=["vip"]),
    ]
    report = ingest(*records, with_rows=True)
    assert [r.outcome for r in report.results] == ["created", "updated", "unchanged", "updated"]
    for result in report.results:
        assert result.row == _as_read(workspace, result.contact_id), result.outcome
    assert report.results[0].row["last_action"] == SOURCE.create_action
    assert report.results[2].row["updated_at"] < report.results[1].row["updated_at"]


def test_rows_are_only_returned_when_asked_for_and_never_for_a_dry_run(ingest):
    assert only(ingest(rec(external_id="a"))).row is None
    dry = only(ingest(rec(external_id="b"), policy=MatchPolicy(dry_run=True), with_rows=True))
    assert dry.outcome == "created" and dry.row is None
    failed = only(ingest(rec(first_name="no identity"), with_rows=True))
    assert failed.outcome == "failed" and failed.row is None
