"""The match policy: keys in order, modes, restoring soft-deleted contacts, dry runs, overwrite limits."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.utils import timezone

from apps.contacts.models import Contact, ContactChange, Customer
from apps.ingest.records import ChannelChange, ConsentEvent, ContactRecord, ListRef, MatchPolicy
from tests.ingest.helpers import codes, contact, only, rec, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(ingest, workspace) -> Contact:
    ingest(rec(external_id="ann", email="ann@example.com", phone="+447700900001", first_name="Ann"))
    return contact(workspace, external_id="ann")


@pytest.fixture
def deleted(ingest, workspace) -> Contact:
    ingest(rec(external_id="del", email="del@example.com", first_name="Del"))
    Contact.objects.filter(external_id="del").update(deleted_at=timezone.now() - dt.timedelta(days=1))
    return contact(workspace, external_id="del")


# --- keys ---------------------------------------------------------------------------------------------------


def test_default_keys_try_external_id_then_email(ingest, ann):
    assert MatchPolicy().keys == ("external_id", "email")
    result = only(ingest(rec(external_id="ann", email="ann.new@example.com")))
    assert (result.outcome, result.contact_id) == ("updated", ann.id)
    assert Contact.objects.get(pk=ann.pk).email == "ann.new@example.com"


def test_email_key_alone_does_not_match_by_external_id(ingest, ann):
    result = only(
        ingest(rec(external_id="ann", email="ann.new@example.com"), policy=MatchPolicy(keys=("email",)))
    )
    assert result.outcome == "failed"
    assert "identity_conflict" in codes(result)
    assert Contact.objects.get(pk=ann.pk).email == "ann@example.com"


def test_keys_are_tried_in_order(ingest, workspace, ann):
    ingest(rec(external_id="pat", phone="+447700900002"))
    pat = contact(workspace, external_id="pat")
    record = rec(email="ann@example.com", phone="+447700900002")

    by_phone = only(ingest(record, policy=MatchPolicy(keys=("phone", "email"))))
    assert by_phone.outcome == "failed"  # the phone finds pat, whose email would be ann's
    assert "identity_conflict" in codes(by_phone)
    assert Contact.objects.get(pk=pat.pk).email is None

    by_email = only(ingest(record, policy=MatchPolicy(keys=("email", "phone"))))
    assert (by_email.outcome, by_email.contact_id) == ("updated", ann.id)
    assert Contact.objects.get(pk=ann.pk).phone == "+447700900002"  # a phone is not unique


def test_later_key_is_used_when_the_first_finds_nothing(ingest, ann):
    result = only(
        ingest(rec(phone="+447700900001", city="Leeds"), policy=MatchPolicy(keys=("email", "phone")))
    )
    assert (result.outcome, result.contact_id) == ("updated", ann.id)


# --- modes --------------------------------------------------------------------------------------------------


def test_upsert_creates_and_updates(ingest, ann):
    report = ingest(rec(external_id="ann", city="Leeds"), rec(external_id="new", city="York"))
    assert [r.outcome for r in report.results] == ["updated", "created"]
    assert set(Contact.objects.values_list("external_id", "city")) == {("ann", "Leeds"), ("new", "York")}


def test_create_only_skips_existing_contacts(ingest, ann):
    report = ingest(
        rec(external_id="ann", first_name="Changed"),
        rec(external_id="new", first_name="New"),
        policy=MatchPolicy(mode="create_only"),
    )
    existing, new = report.results
    assert (existing.outcome, existing.contact_id) == ("skipped", None)
    assert "exists" in codes(existing)
    assert new.outcome == "created"
    assert Contact.objects.get(pk=ann.pk).first_name == "Ann"


def test_update_only_skips_unknown_contacts(ingest, ann):
    report = ingest(
        rec(external_id="ann", first_name="Annie"),
        rec(external_id="ghost", first_name="Ghost"),
        policy=MatchPolicy(mode="update_only"),
    )
    known, unknown = report.results
    assert known.outcome == "updated"
    assert (unknown.outcome, unknown.contact_id) == ("skipped", None)
    assert codes(unknown) == {"not_found"}
    assert list(Contact.objects.values_list("external_id", "first_name")) == [("ann", "Annie")]


def test_soft_deleted_contact_is_restored(ingest, deleted):
    result = only(ingest(rec(email="del@example.com", first_name="Della")))
    c = Contact.objects.get(pk=deleted.pk)
    assert (result.outcome, result.contact_id) == ("updated", deleted.id)
    assert (c.deleted_at, c.first_name) == (None, "Della")
    assert ContactChange.objects.filter(contact=c).order_by("-id").first().action == "restored"


def test_restoring_is_an_update_even_without_other_changes(ingest, deleted):
    result = only(ingest(rec(external_id="del")))
    assert result.outcome == "updated"
    assert Contact.objects.get(pk=deleted.pk).deleted_at is None


def test_soft_deleted_contact_is_skipped_when_restoring_is_off(ingest, deleted):
    result = only(
        ingest(rec(external_id="del", first_name="Della"), policy=MatchPolicy(restore_deleted=False))
    )
    c = Contact.objects.get(pk=deleted.pk)
    assert (result.outcome, result.contact_id) == ("skipped", None)
    assert codes(result) == {"deleted"}
    assert (c.deleted_at, c.first_name, c.updated_at) == (deleted.deleted_at, "Del", deleted.updated_at)
    assert Contact.objects.count() == 1


def test_soft_deleted_contact_keeps_its_identity_when_not_restored(ingest, deleted):
    result = only(
        ingest(rec(email="del@example.com", external_id="other"), policy=MatchPolicy(restore_deleted=False))
    )
    assert result.outcome == "skipped"
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["del"]


# --- dry run ------------------------------------------------------------------------------------------------


def full_record(external_id: str, email: str) -> ContactRecord:
    return ContactRecord(
        fields={"external_id": external_id, "email": email, "first_name": "Dry"},
        attributes={"age": 40, "plan": "pro"},
        metrics={"2025-01-01": {"resolved_tickets": 2}},
        customer_external_id="acme",
        lists_add=[ListRef(name="Dry list", create=True)],
        channels=[ChannelChange("email", "subscribed")],
        tags_add=["dry-tag"],
        consents=[ConsentEvent("marketing", True)],
    )


def test_dry_run_writes_nothing_but_reports_the_outcomes(ingest, workspace, definitions, ann):
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    before = table_counts()
    ann_before = list(Contact.objects.filter(pk=ann.pk).values())
    report = ingest(
        full_record("new-1", "new1@example.com"),
        full_record("ann", "ann@example.com"),
        rec(external_id="ann", email="new1@example.com"),
        policy=MatchPolicy(dry_run=True),
    )
    assert [r.outcome for r in report.results] == ["created", "updated", "failed"]
    assert report.results[1].contact_id == ann.id
    assert report.results[0].lists_added == 1
    assert "identity_conflict" in codes(report.results[2])
    assert table_counts() == before
    assert list(Contact.objects.filter(pk=ann.pk).values()) == ann_before


def test_dry_run_reports_what_a_real_run_does(ingest, workspace, definitions, ann):
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    records = [full_record("new-1", "new1@example.com"), full_record("ann", "ann@example.com")]
    dry = ingest(*records, policy=MatchPolicy(dry_run=True))
    real = ingest(*records)
    assert [(r.index, r.outcome, r.issues, r.lists_added) for r in dry.results] == [
        (r.index, r.outcome, r.issues, r.lists_added) for r in real.results
    ]


def test_dry_run_of_an_update_writes_nothing(ingest, workspace, definitions, ann):
    ingest(full_record("ann", "ann@example.com"))
    before = table_counts()
    ann_before = list(Contact.objects.filter(pk=ann.pk).values())
    result = only(
        ingest(
            ContactRecord(
                fields={"external_id": "ann", "first_name": None},
                attributes={"age": None},
                metrics={"2025-01-01": {"resolved_tickets": 9}},
                lists_remove=[ListRef(name="Dry list")],
                tags_remove=["dry-tag"],
                channels=[ChannelChange("email", "unsubscribed")],
                consents=[ConsentEvent("marketing", False)],
            ),
            policy=MatchPolicy(dry_run=True),
        )
    )
    assert result.outcome == "updated"
    assert table_counts() == before
    assert list(Contact.objects.filter(pk=ann.pk).values()) == ann_before


def test_dry_run_then_real_run_of_the_same_records_report_the_same_issues(ingest, workspace):
    records = [ContactRecord(fields={"external_id": "c-1"}, tags_add=["vip", "t" * 101])]
    dry = ingest(*records, policy=MatchPolicy(dry_run=True))
    real = ingest(*records)
    assert [i.code for i in dry.results[0].issues] == ["invalid_tag"]
    assert [i.code for i in real.results[0].issues] == ["invalid_tag"]


def test_ingest_leaves_the_callers_records_untouched(ingest, workspace, definitions):
    record = ContactRecord(
        fields={"external_id": "c-1"}, attributes={"email": "ann@example.com", "age": 3}, tags_add=[" vip "]
    )
    before = copy.deepcopy(record)
    ingest(record)
    assert record == before


# --- overwrite limits ---------------------------------------------------------------------------------------


def test_overwrite_fields_limits_which_stored_values_change(ingest, workspace, definitions):
    ingest(
        ContactRecord(
            fields={"external_id": "ann", "first_name": "Ann", "city": "Leeds"}, attributes={"age": 1}
        )
    )
    ingest(
        ContactRecord(
            fields={"external_id": "ann", "first_name": "Annie", "city": "York", "company": "Acme"},
            attributes={"age": 2, "nickname": "A"},
        ),
        policy=MatchPolicy(overwrite_fields=frozenset({"city"}), overwrite_attributes=frozenset()),
    )
    c = contact(workspace, external_id="ann")
    assert (c.first_name, c.city, c.company) == ("Ann", "York", "Acme")  # empty values are always filled
    assert c.attributes == {"age": 1, "nickname": "A"}


def test_overwrite_limits_do_not_apply_to_new_contacts(ingest, workspace):
    ingest(rec(external_id="new", first_name="New"), policy=MatchPolicy(overwrite_fields=frozenset()))
    assert contact(workspace, external_id="new").first_name == "New"
