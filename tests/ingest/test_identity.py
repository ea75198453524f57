"""Identity: which stored contact a record is, conflicts, duplicates in a batch, workspace isolation."""

from __future__ import annotations

import pytest

from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord, MatchPolicy
from apps.ingest.services import contacts_ingest
from tests.ingest.helpers import SOURCE, codes, contact, issue, only, rec

pytestmark = pytest.mark.django_db


def snapshot(*contacts: Contact) -> list[dict]:
    """Every column of the given contacts, as stored now."""
    return list(Contact.objects.filter(pk__in=[c.pk for c in contacts]).order_by("pk").values())


@pytest.fixture
def ann_and_bob(ingest, workspace) -> tuple[Contact, Contact]:
    ingest(
        rec(external_id="ann", email="ann@example.com", first_name="Ann"),
        rec(external_id="bob", email="bob@example.com", first_name="Bob"),
    )
    return contact(workspace, external_id="ann"), contact(workspace, external_id="bob")


def test_record_matches_by_external_id(ingest, ann_and_bob):
    ann, _ = ann_and_bob
    result = only(ingest(rec(external_id="ann", first_name="Annie")))
    assert (result.outcome, result.contact_id) == ("updated", ann.id)
    assert Contact.objects.get(pk=ann.pk).first_name == "Annie"


def test_record_matches_by_email_when_external_id_is_absent(ingest, ann_and_bob):
    _, bob = ann_and_bob
    result = only(ingest(rec(email="BOB@example.com", first_name="Robert")))
    assert (result.outcome, result.contact_id) == ("updated", bob.id)
    assert Contact.objects.get(pk=bob.pk).first_name == "Robert"


def test_external_id_match_may_change_the_email_to_a_free_one(ingest, ann_and_bob):
    ann, _ = ann_and_bob
    result = only(ingest(rec(external_id="ann", email="ann.lee@example.com")))
    assert result.outcome == "updated"
    assert Contact.objects.get(pk=ann.pk).email == "ann.lee@example.com"


def test_keys_pointing_at_two_contacts_is_a_conflict_and_nothing_changes(ingest, ann_and_bob):
    before = snapshot(*ann_and_bob)
    result = only(ingest(rec(external_id="ann", email="bob@example.com", first_name="Merged")))
    found = issue(result, "identity_conflict")
    assert (result.outcome, result.contact_id) == ("failed", None)
    assert (found.path, found.severity) == ("email", "error")
    assert snapshot(*ann_and_bob) == before
    assert Contact.objects.count() == 2


def test_conflict_is_reported_on_the_vendor_path(ingest, ann_and_bob):
    record = ContactRecord(
        fields={"external_id": "ann", "email": "bob@example.com"}, paths={"email": "data.mail"}
    )
    assert issue(only(ingest(record)), "identity_conflict").path == "data.mail"


def test_conflict_is_reported_whatever_the_key_order(ingest, ann_and_bob):
    before = snapshot(*ann_and_bob)
    result = only(
        ingest(
            rec(external_id="ann", email="bob@example.com"), policy=MatchPolicy(keys=("email", "external_id"))
        )
    )
    assert result.outcome == "failed"
    assert issue(result, "identity_conflict").path == "external_id"
    assert snapshot(*ann_and_bob) == before


def test_new_external_id_with_an_email_of_another_contact_fails(ingest, ann_and_bob):
    before = snapshot(*ann_and_bob)
    result = only(
        ingest(rec(external_id="carol", email="bob@example.com"), policy=MatchPolicy(keys=("external_id",)))
    )
    assert result.outcome == "failed"
    assert "identity_conflict" in codes(result)
    assert snapshot(*ann_and_bob) == before
    assert Contact.objects.count() == 2


def test_new_external_id_never_replaces_the_external_id_of_the_email_owner(ingest, ann_and_bob):
    before = snapshot(*ann_and_bob)
    result = only(ingest(rec(external_id="carol", email="bob@example.com", first_name="Carol")))
    assert result.outcome == "failed"
    assert "identity_conflict" in codes(result)
    assert snapshot(*ann_and_bob) == before


def test_email_match_adopts_an_external_id_when_the_contact_has_none(ingest, workspace):
    ingest(rec(email="dan@example.com"))
    result = only(ingest(rec(external_id="dan", email="dan@example.com")))
    assert result.outcome == "updated"
    assert Contact.objects.get().external_id == "dan"


def test_conflict_fails_only_that_record(ingest, ann_and_bob):
    report = ingest(
        rec(external_id="ann", first_name="Annie"),
        rec(external_id="bob", email="ann@example.com"),
        rec(external_id="carol", email="carol@example.com"),
    )
    assert [r.outcome for r in report.results] == ["updated", "failed", "created"]
    assert set(Contact.objects.values_list("external_id", "email")) == {
        ("ann", "ann@example.com"),
        ("bob", "bob@example.com"),
        ("carol", "carol@example.com"),
    }


def test_duplicates_in_one_batch_are_applied_in_order(ingest, workspace):
    report = ingest(
        rec(email="eve@example.com", first_name="Eve", city="Leeds"),
        rec(email="EVE@example.com", first_name="Evelyn"),
        rec(email="eve@example.com", first_name="Evelyn"),
    )
    c = Contact.objects.get()
    assert [r.outcome for r in report.results] == ["created", "updated", "unchanged"]
    assert {r.contact_id for r in report.results} == {c.id}
    assert (c.first_name, c.city) == ("Evelyn", "Leeds")


def test_duplicates_found_by_different_keys_are_one_contact(ingest, workspace):
    report = ingest(
        rec(external_id="eve", email="eve@example.com"),
        rec(email="eve@example.com", first_name="Eve"),
        rec(external_id="eve", last_name="Stone"),
    )
    c = Contact.objects.get()
    assert [r.outcome for r in report.results] == ["created", "updated", "updated"]
    assert (c.external_id, c.email, c.first_name, c.last_name) == ("eve", "eve@example.com", "Eve", "Stone")


def test_duplicates_across_chunks_are_one_contact(ingest, workspace):
    report = ingest(
        rec(email="eve@example.com", first_name="Eve"),
        rec(email="eve@example.com", city="Leeds"),
        chunk_size=1,
    )
    assert [r.outcome for r in report.results] == ["created", "updated"]
    assert Contact.objects.get().city == "Leeds"


def test_duplicate_in_create_only_is_skipped_as_existing(ingest, workspace):
    report = ingest(
        rec(email="eve@example.com", first_name="Eve"),
        rec(email="eve@example.com", first_name="Evil"),
        policy=MatchPolicy(mode="create_only"),
    )
    first, repeat = report.results
    assert first.outcome == "created"
    assert repeat.outcome == "skipped"
    assert "exists" in codes(repeat)
    assert Contact.objects.get().first_name == "Eve"


def test_duplicate_email_with_two_external_ids_in_one_batch_is_a_conflict(ingest, workspace):
    report = ingest(
        rec(external_id="e-1", email="eve@example.com"), rec(external_id="e-2", email="eve@example.com")
    )
    assert [r.outcome for r in report.results] == ["created", "failed"]
    assert "identity_conflict" in codes(report.results[1])
    assert list(Contact.objects.values_list("external_id", "email")) == [("e-1", "eve@example.com")]


def test_record_without_any_identity_fails(ingest, workspace):
    result = only(ingest(rec(first_name="Nobody")))
    assert (result.outcome, result.contact_id) == ("failed", None)
    assert codes(result) == {"no_identity"}
    assert not Contact.objects.exists()


def test_phone_alone_identifies_a_new_contact_and_matches_with_a_phone_key(ingest, workspace):
    ingest(rec(phone="+44 7700 900123", first_name="Pat"))
    result = only(ingest(rec(phone="0044 7700 900123", city="Leeds"), policy=MatchPolicy(keys=("phone",))))
    assert result.outcome == "updated"
    assert Contact.objects.get().city == "Leeds"


def test_shared_phone_updates_the_oldest_contact_with_a_warning(ingest, workspace):
    ingest(rec(external_id="p-1", phone="+447700900123"), rec(external_id="p-2", phone="+447700900123"))
    result = only(ingest(rec(phone="+447700900123", city="Leeds"), policy=MatchPolicy(keys=("phone",))))
    assert result.outcome == "updated"
    assert issue(result, "ambiguous_phone").severity == "warning"
    assert set(Contact.objects.values_list("external_id", "city")) == {("p-1", "Leeds"), ("p-2", None)}


def test_record_addressed_by_public_id(ingest, ann_and_bob):
    ann, _ = ann_and_bob
    record = ContactRecord(fields={"first_name": "Annie"}, public_id=ann.public_id)
    result = only(ingest(record, policy=MatchPolicy(keys=("public_id",), mode="update_only")))
    assert (result.outcome, result.contact_id) == ("updated", ann.id)
    assert Contact.objects.get(pk=ann.pk).first_name == "Annie"


def test_record_addressed_by_pk(ingest, ann_and_bob):
    _, bob = ann_and_bob
    record = ContactRecord(fields={"city": "York"}, pk=bob.pk)
    result = only(ingest(record, policy=MatchPolicy(keys=("pk",), mode="update_only")))
    assert (result.outcome, result.contact_id) == ("updated", bob.id)
    assert Contact.objects.get(pk=bob.pk).city == "York"


def test_cleared_email_can_be_taken_by_another_contact(ingest, ann_and_bob):
    ann, bob = ann_and_bob
    ingest(rec(external_id="bob", email=None))
    result = only(ingest(rec(external_id="ann", email="bob@example.com")))
    assert result.outcome == "updated"
    assert Contact.objects.get(pk=ann.pk).email == "bob@example.com"
    assert Contact.objects.get(pk=bob.pk).email is None


# --- workspaces --------------------------------------------------------------------------------------------


def test_same_email_in_two_workspaces_is_two_contacts(ingest, workspace, other_workspace):
    theirs = only(
        contacts_ingest(
            workspace_id=other_workspace.id,
            records=[rec(email="ann@example.com", first_name="Theirs")],
            source=SOURCE,
        )
    )
    mine = only(ingest(rec(email="ann@example.com", first_name="Mine")))
    assert (mine.outcome, theirs.outcome) == ("created", "created")
    assert mine.contact_id != theirs.contact_id
    assert contact(other_workspace, email="ann@example.com").first_name == "Theirs"
    assert contact(workspace, email="ann@example.com").first_name == "Mine"


def test_ingest_never_touches_another_workspace(ingest, workspace, other_workspace):
    contacts_ingest(
        workspace_id=other_workspace.id,
        records=[rec(external_id="ann", email="ann@example.com", first_name="Theirs")],
        source=SOURCE,
    )
    theirs = contact(other_workspace, external_id="ann")
    before = snapshot(theirs)
    ingest(
        rec(external_id="ann", email="ann@example.com", first_name="Mine"),
        rec(external_id="ann", city="Leeds"),
    )
    ingest(
        ContactRecord(fields={"city": "York"}, pk=theirs.pk),
        policy=MatchPolicy(keys=("pk",), mode="update_only"),
    )
    ingest(
        ContactRecord(public_id=theirs.public_id, fields={"city": "Hull"}),
        policy=MatchPolicy(keys=("public_id",), mode="update_only"),
    )
    assert snapshot(theirs) == before
    assert contact(workspace, external_id="ann").city == "Leeds"


def test_pk_of_another_workspace_is_not_found(ingest, other_workspace):
    contacts_ingest(workspace_id=other_workspace.id, records=[rec(external_id="x")], source=SOURCE)
    theirs = contact(other_workspace, external_id="x")
    result = only(
        ingest(
            ContactRecord(pk=theirs.pk, fields={"city": "York"}),
            policy=MatchPolicy(keys=("pk",), mode="update_only"),
        )
    )
    assert (result.outcome, codes(result)) == ("skipped", {"not_found"})


def test_external_id_is_data_when_the_dialect_matches_by_email_only(ingest, workspace):
    ingest(rec(external_id="old", email="eve@example.com"))
    result = only(
        ingest(rec(external_id="new", email="eve@example.com"), policy=MatchPolicy(keys=("email",)))
    )
    assert result.outcome == "updated"
    assert Contact.objects.get().external_id == "new"
