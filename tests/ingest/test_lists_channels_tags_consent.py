"""List memberships, channel subscriptions, tags and consent records."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.contacts.models import ChannelSubscription, ConsentRecord, Contact, ContactTag, Tag
from apps.ingest.records import ChannelChange, ConsentEvent, ContactRecord, ListRef
from apps.lists.models import ContactList, ListMembership
from tests.ingest.helpers import codes, issue, only

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2025, 2, 1, 9, 0, tzinfo=dt.UTC)


def record(external_id="c-1", **kw) -> ContactRecord:
    fields = {"external_id": external_id, **kw.pop("fields", {})}
    return ContactRecord(fields=fields, **kw)


@pytest.fixture
def newsletter(workspace) -> ContactList:
    return ContactList.objects.create(workspace=workspace, name="Newsletter")


@pytest.fixture
def vip(workspace) -> ContactList:
    return ContactList.objects.create(workspace=workspace, name="VIP")


def memberships() -> set[tuple[str, str, str]]:
    return set(ListMembership.objects.values_list("list__name", "contact__external_id", "status"))


def subscriptions() -> set[tuple[str, str, str, str]]:
    return set(
        ChannelSubscription.objects.values_list("contact__external_id", "channel", "address", "status")
    )


def tags_of(external_id="c-1") -> set[str]:
    return set(
        ContactTag.objects.filter(contact__external_id=external_id).values_list("tag__name", flat=True)
    )


def consents() -> list[tuple[str, bool, dt.datetime]]:
    return list(ConsentRecord.objects.order_by("id").values_list("kind", "granted", "at"))


# --- lists -------------------------------------------------------------------------------------------------


def test_list_is_added_by_public_id(ingest, newsletter):
    result = only(ingest(record(lists_add=[ListRef(public_id=newsletter.public_id)])))
    assert result.lists_added == 1
    assert memberships() == {("Newsletter", "c-1", "subscribed")}


def test_list_is_added_by_name_with_its_status(ingest, newsletter):
    ingest(record(lists_add=[ListRef(name="Newsletter", status="pending")]))
    assert memberships() == {("Newsletter", "c-1", "pending")}


def test_list_named_with_create_is_created_once(ingest, workspace):
    report = ingest(
        record("c-1", lists_add=[ListRef(name="Spring promo", create=True)]),
        record("c-2", lists_add=[ListRef(name="Spring promo", create=True)]),
    )
    assert [r.lists_added for r in report.results] == [1, 1]
    assert list(ContactList.objects.filter(workspace=workspace).values_list("name", flat=True)) == [
        "Spring promo"
    ]
    assert memberships() == {("Spring promo", "c-1", "subscribed"), ("Spring promo", "c-2", "subscribed")}


def test_unknown_list_is_a_warning_and_the_rest_is_stored(ingest, newsletter):
    result = only(
        ingest(
            record(
                lists_add=[ListRef(name="Nope"), ListRef(public_id="zzzzzzzz"), ListRef(name="Newsletter")]
            )
        )
    )
    assert result.outcome == "created"
    assert [i.code for i in result.issues] == ["unknown_list", "unknown_list"]
    assert all(i.severity == "warning" for i in result.issues)
    assert result.lists_added == 1
    assert memberships() == {("Newsletter", "c-1", "subscribed")}
    assert ContactList.objects.count() == 1


def test_list_of_another_workspace_is_unknown(ingest, other_workspace):
    theirs = ContactList.objects.create(workspace=other_workspace, name="Theirs")
    result = only(ingest(record(lists_add=[ListRef(public_id=theirs.public_id)])))
    assert "unknown_list" in codes(result)
    assert not ListMembership.objects.exists()


def test_deleted_list_is_unknown(ingest, newsletter):
    ContactList.objects.filter(id=newsletter.id).update(deleted_at=T1)
    result = only(ingest(record(lists_add=[ListRef(public_id=newsletter.public_id)])))
    assert "unknown_list" in codes(result)
    assert not ListMembership.objects.exists()


def test_lists_added_counts_only_new_memberships(ingest, newsletter, vip):
    ingest(record(lists_add=[ListRef(name="Newsletter")]))
    result = only(ingest(record(lists_add=[ListRef(name="Newsletter"), ListRef(name="VIP")])))
    assert result.lists_added == 1
    assert result.outcome == "updated"
    assert memberships() == {("Newsletter", "c-1", "subscribed"), ("VIP", "c-1", "subscribed")}


def test_readding_a_list_is_unchanged(ingest, newsletter):
    ingest(record(lists_add=[ListRef(name="Newsletter")]))
    result = only(ingest(record(lists_add=[ListRef(name="Newsletter")])))
    assert (result.outcome, result.lists_added) == ("unchanged", 0)


def test_membership_status_change_updates_the_row(ingest, newsletter):
    ingest(record(lists_add=[ListRef(name="Newsletter")]))
    result = only(ingest(record(lists_add=[ListRef(name="Newsletter", status="unsubscribed")])))
    assert (result.outcome, result.lists_added) == ("updated", 0)
    assert memberships() == {("Newsletter", "c-1", "unsubscribed")}


def test_list_is_removed(ingest, newsletter, vip):
    ingest(record(lists_add=[ListRef(name="Newsletter"), ListRef(name="VIP")]))
    result = only(ingest(record(lists_remove=[ListRef(public_id=newsletter.public_id)])))
    assert result.outcome == "updated"
    assert memberships() == {("VIP", "c-1", "subscribed")}


def test_removing_a_list_the_contact_is_not_on_is_unchanged(ingest, newsletter, vip):
    ingest(record(lists_add=[ListRef(name="VIP")]))
    result = only(ingest(record(lists_remove=[ListRef(name="Newsletter"), ListRef(name="Nope")])))
    assert result.outcome == "unchanged"
    assert memberships() == {("VIP", "c-1", "subscribed")}


def test_remove_then_add_in_one_batch_keeps_the_membership(ingest, newsletter):
    ingest(record(lists_add=[ListRef(name="Newsletter")]))
    ingest(record(lists_remove=[ListRef(name="Newsletter")]), record(lists_add=[ListRef(name="Newsletter")]))
    assert memberships() == {("Newsletter", "c-1", "subscribed")}


# --- channels ----------------------------------------------------------------------------------------------


def test_email_and_sms_channels_default_to_the_contacts_email_and_phone(ingest):
    ingest(
        record(
            fields={"email": "Ann@Example.com", "phone": "+44 7700 900123"},
            channels=[ChannelChange("email", "subscribed"), ChannelChange("sms", "unsubscribed")],
        )
    )
    assert subscriptions() == {
        ("c-1", "email", "ann@example.com", "subscribed"),
        ("c-1", "sms", "+447700900123", "unsubscribed"),
    }


def test_channel_takes_an_explicit_address(ingest):
    ingest(record(channels=[ChannelChange("push", "subscribed", address="device-token-1")]))
    assert subscriptions() == {("c-1", "push", "device-token-1", "subscribed")}


def test_email_channel_uses_the_stored_email_when_the_record_has_none(ingest):
    ingest(record(fields={"email": "ann@example.com"}))
    ingest(record(channels=[ChannelChange("email", "subscribed")]))
    assert subscriptions() == {("c-1", "email", "ann@example.com", "subscribed")}


def test_email_channel_without_an_email_is_a_warning(ingest):
    result = only(ingest(record(channels=[ChannelChange("email", "subscribed")])))
    assert result.outcome == "created"
    assert issue(result, "no_address").severity == "warning"
    assert not ChannelSubscription.objects.exists()


def test_channel_status_change_updates_the_row(ingest):
    ingest(record(fields={"email": "ann@example.com"}, channels=[ChannelChange("email", "subscribed")]))
    result = only(ingest(record(channels=[ChannelChange("email", "blacklisted")])))
    assert result.outcome == "updated"
    assert subscriptions() == {("c-1", "email", "ann@example.com", "blacklisted")}
    assert ChannelSubscription.objects.count() == 1


def test_same_channel_status_is_unchanged(ingest):
    ingest(record(fields={"email": "ann@example.com"}, channels=[ChannelChange("email", "subscribed")]))
    result = only(ingest(record(channels=[ChannelChange("email", "subscribed")])))
    assert result.outcome == "unchanged"


# --- tags --------------------------------------------------------------------------------------------------


def test_tags_are_added_and_created_once(ingest, workspace):
    report = ingest(record("c-1", tags_add=["vip", "beta"]), record("c-2", tags_add=["vip"]))
    assert [r.outcome for r in report.results] == ["created", "created"]
    assert (tags_of("c-1"), tags_of("c-2")) == ({"vip", "beta"}, {"vip"})
    assert sorted(Tag.objects.filter(workspace=workspace).values_list("name", flat=True)) == ["beta", "vip"]


def test_tag_is_removed(ingest):
    ingest(record(tags_add=["vip", "beta"]))
    result = only(ingest(record(tags_remove=["beta", "never-seen"])))
    assert result.outcome == "updated"
    assert tags_of() == {"vip"}
    assert not Tag.objects.filter(name="never-seen").exists()


def test_readding_a_tag_is_unchanged(ingest):
    ingest(record(tags_add=["vip"]))
    result = only(ingest(record(tags_add=["vip"])))
    assert result.outcome == "unchanged"
    assert ContactTag.objects.count() == 1


def test_tag_names_are_trimmed(ingest, workspace):
    ingest(record(tags_add=["  vip "]))
    assert tags_of() == {"vip"}


@pytest.mark.parametrize("bad", ["", "   ", "t" * 101, "nul\x00tag"])
def test_invalid_tag_name_is_dropped_with_a_warning(ingest, workspace, bad):
    result = only(ingest(record(tags_add=[bad, "ok"])))
    assert result.outcome == "created"
    assert issue(result, "invalid_tag").severity == "warning"
    assert tags_of() == {"ok"}
    assert list(Tag.objects.values_list("name", flat=True)) == ["ok"]


def test_existing_tag_is_reused(ingest, workspace, other_workspace):
    mine = Tag.objects.create(workspace=workspace, name="vip")
    Tag.objects.create(workspace=other_workspace, name="vip")
    ingest(record(tags_add=["vip"]))
    assert list(ContactTag.objects.values_list("tag_id", flat=True)) == [mine.id]
    assert Tag.objects.count() == 2


# --- consent -----------------------------------------------------------------------------------------------


def test_consent_is_recorded(ingest):
    ingest(
        record(
            consents=[
                ConsentEvent("terms", True, at=T1, ip="203.0.113.5"),
                ConsentEvent("marketing", False, at=T1),
            ]
        )
    )
    assert set(
        ConsentRecord.objects.values_list("contact__external_id", "kind", "granted", "at", "ip", "source")
    ) == {
        ("c-1", "terms", True, T1, "203.0.113.5", "api"),
        ("c-1", "marketing", False, T1, None, "api"),
    }


def test_consent_resent_identically_is_not_duplicated(ingest):
    ingest(record(consents=[ConsentEvent("marketing", True, at=T1)]))
    result = only(ingest(record(consents=[ConsentEvent("marketing", True, at=T1)])))
    assert result.outcome == "unchanged"
    assert consents() == [("marketing", True, T1)]


def test_consent_without_time_resent_is_not_duplicated(ingest):
    ingest(record(consents=[ConsentEvent("terms", True)]))
    result = only(ingest(record(consents=[ConsentEvent("terms", True)])))
    assert result.outcome == "unchanged"
    assert ConsentRecord.objects.count() == 1


def test_consent_change_is_appended_never_overwritten(ingest):
    ingest(record(consents=[ConsentEvent("marketing", True, at=T1)]))
    result = only(ingest(record(consents=[ConsentEvent("marketing", False, at=T2)])))
    assert result.outcome == "updated"
    assert consents() == [("marketing", True, T1), ("marketing", False, T2)]


def test_consent_regranted_is_appended(ingest):
    ingest(record(consents=[ConsentEvent("marketing", True, at=T1)]))
    ingest(record(consents=[ConsentEvent("marketing", False, at=T2)]))
    ingest(record(consents=[ConsentEvent("marketing", True)]))
    assert [(k, g) for k, g, _ in consents()] == [
        ("marketing", True),
        ("marketing", False),
        ("marketing", True),
    ]


def test_side_changes_alone_make_an_update_of_a_stored_contact(ingest, newsletter):
    ingest(record(fields={"first_name": "Ann"}))
    result = only(ingest(record(tags_add=["vip"], lists_add=[ListRef(name="Newsletter")])))
    assert result.outcome == "updated"
    assert result.contact_id == Contact.objects.get().id


def test_overlong_tag_is_an_issue_not_a_failed_batch(ingest):
    report = ingest(record("c-1", tags_add=["t" * 101, "ok"]), record("c-2", tags_add=["ok"]))
    assert report.results[0].outcome == "created"
    assert report.results[0].issues
    assert (tags_of("c-1"), tags_of("c-2")) == ({"ok"}, {"ok"})


def test_an_unknown_channel_or_status_is_dropped_with_a_warning(ingest, workspace):
    from apps.contacts.models import ChannelSubscription
    from apps.ingest.records import ChannelChange

    result = ingest(
        ContactRecord(
            fields={"email": "chan@example.com"},
            channels=[ChannelChange("fax", "subscribed"), ChannelChange("email", "maybe")],
        )
    ).results[0]
    assert result.outcome == "created"
    assert [i.code for i in result.issues] == ["invalid_channel", "invalid_channel"]
    assert ChannelSubscription.objects.count() == 0


def test_a_side_table_change_moves_updated_at(ingest, workspace):
    first = ingest(ContactRecord(fields={"email": "side@example.com"})).results[0]
    before = Contact.objects.get(pk=first.contact_id).updated_at
    result = ingest(ContactRecord(fields={"email": "side@example.com"}, tags_add=["vip"])).results[0]
    assert result.outcome == "updated"
    assert Contact.objects.get(pk=first.contact_id).updated_at > before
