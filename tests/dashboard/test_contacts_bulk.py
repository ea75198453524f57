"""Bulk actions: on a selection or on all contacts matching the filter, confirmed with a count, applied
through the ingest."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.contacts.models import ChannelSubscription, Contact, ContactTag
from apps.ingest.records import ChannelChange, ListRef
from apps.lists.models import ListMembership
from apps.lists.services import list_create
from tests.dashboard.conftest import signed_in

URL = reverse("dashboard:contacts_bulk")


@pytest.fixture
def vip(workspace):
    return list_create(workspace_id=workspace.id, name="VIP")


def post(client, confirm=False, **data):
    payload = {"scope": "selected", "filter": "", **data}
    if confirm:
        payload["confirm"] = "yes"
    return client.post(URL, payload)


def test_selection_asks_for_confirmation_with_the_count_and_changes_nothing(as_editor, make_contacts, vip):
    a, b, _ = make_contacts(3)
    response = post(as_editor, action="add_to_list", list=vip.public_id, ids=[a.pk, b.pk])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Add 2 contacts to the list “VIP”." in html
    assert "Add to list (2)" in html
    assert not ListMembership.objects.exists()


def test_confirmed_add_to_list_goes_through_the_ingest(as_editor, make_contacts, vip):
    a, b, _ = make_contacts(3)
    response = post(as_editor, confirm=True, action="add_to_list", list=vip.public_id, ids=[a.pk, b.pk])
    assert response.status_code == 302
    assert set(ListMembership.objects.values_list("contact_id", flat=True)) == {a.pk, b.pk}
    assert ListMembership.objects.filter(source="dashboard").count() == 2
    assert "Added 2 contacts to the list “VIP”." in [m.message for m in get_messages(response.wsgi_request)]


def test_all_matching_the_filter_counts_and_applies_to_exactly_those(
    as_editor, make_contacts, definitions, vip
):
    pros = make_contacts(4, prefix="pro", attributes={"plan": "pro"})
    make_contacts(3, prefix="free", attributes={"plan": "free"})
    data = {
        "action": "add_to_list",
        "list": vip.public_id,
        "scope": "all",
        "filter": "attr=plan&attr_value=pro",
    }
    html = post(as_editor, **data).content.decode()
    assert "Add 4 contacts to the list “VIP”." in html
    assert "every contact matching the current filter" in html
    response = post(as_editor, confirm=True, **data)
    assert response["Location"] == reverse("dashboard:contacts") + "?attr=plan&attr_value=pro"
    assert set(ListMembership.objects.values_list("contact_id", flat=True)) == {c.pk for c in pros}


def test_remove_from_list(as_editor, make_contacts, vip):
    a, b = make_contacts(2, lists_add=[ListRef(public_id=vip.public_id)])
    post(as_editor, confirm=True, action="remove_from_list", list=vip.public_id, ids=[a.pk])
    assert list(ListMembership.objects.values_list("contact_id", flat=True)) == [b.pk]


def test_tag_and_untag(as_editor, make_contacts):
    a, b = make_contacts(2)
    post(as_editor, confirm=True, action="tag", tag="beta", ids=[a.pk, b.pk])
    assert ContactTag.objects.filter(tag__name="beta").count() == 2
    response = post(as_editor, confirm=True, action="untag", tag="beta", ids=[a.pk])
    assert list(ContactTag.objects.values_list("contact_id", flat=True)) == [b.pk]
    assert response.status_code == 302


def test_unsubscribe_a_channel_turns_subscribed_addresses_off(as_editor, make_contacts):
    a = make_contacts(1, prefix="a", channels=[ChannelChange("email", "subscribed")])[0]
    b = make_contacts(1, prefix="b", channels=[ChannelChange("email", "blacklisted")])[0]
    c = make_contacts(1, prefix="c", channels=[ChannelChange("sms", "subscribed", "+420601000001")])[0]
    response = post(as_editor, confirm=True, action="unsubscribe", channel="email", ids=[a.pk, b.pk, c.pk])
    statuses = dict(ChannelSubscription.objects.values_list("contact_id", "status"))
    assert statuses == {a.pk: "unsubscribed", b.pk: "blacklisted", c.pk: "subscribed"}
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert messages == ["Unsubscribed 1 contact from Email. 2 contacts already were."]


def test_delete_needs_an_admin(as_editor, make_contacts):
    a = make_contacts(1)[0]
    assert post(as_editor, action="delete", ids=[a.pk]).status_code == 403
    assert post(as_editor, confirm=True, action="delete", ids=[a.pk]).status_code == 403
    assert Contact.objects.get(pk=a.pk).deleted_at is None


def test_admin_deletes_all_matching_after_confirming_the_count(as_admin, make_contacts):
    doomed = make_contacts(3, prefix="doomed")
    kept = make_contacts(2, prefix="kept")
    data = {"action": "delete", "scope": "all", "filter": "q=doomed"}
    html = post(as_admin, **data).content.decode()
    assert "Delete 3 contacts." in html and "Delete contacts (3)" in html
    post(as_admin, confirm=True, **data)
    assert set(Contact.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True)) == {
        c.pk for c in doomed
    }
    assert all(Contact.objects.get(pk=c.pk).deleted_at is None for c in kept)


def test_viewer_gets_403(as_viewer, make_contacts, vip):
    a = make_contacts(1)[0]
    response = post(as_viewer, confirm=True, action="add_to_list", list=vip.public_id, ids=[a.pk])
    assert response.status_code == 403
    assert not ListMembership.objects.exists()


def test_contacts_of_another_workspace_are_not_counted_or_touched(
    as_editor, make_contacts, other_contact, vip
):
    a = make_contacts(1)[0]
    html = post(as_editor, action="tag", tag="x", ids=[a.pk, other_contact.pk]).content.decode()
    assert "Tag 1 contact with “x”." in html
    post(as_editor, confirm=True, action="tag", tag="x", ids=[a.pk, other_contact.pk])
    assert list(ContactTag.objects.values_list("contact_id", flat=True)) == [a.pk]


def test_nothing_matching_says_so(as_editor, make_contacts, vip):
    make_contacts(1)
    html = post(
        as_editor, action="add_to_list", list=vip.public_id, scope="all", filter="q=nobody"
    ).content.decode()
    assert "No contacts match; there is nothing to do." in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "add_to_list"}, "Choose a list."),
        ({"action": "tag"}, "Enter a tag."),
        ({"action": "unsubscribe"}, "Choose a channel."),
        ({"action": "tag", "tag": "x", "ids": []}, "Select at least one contact"),
        ({"action": "tag", "tag": "x", "ids": ["1; drop"]}, "Invalid selection."),
    ],
)
def test_invalid_requests_say_what_is_missing(as_editor, make_contacts, data, error):
    ids = data.pop("ids", [make_contacts(1)[0].pk])
    response = post(as_editor, ids=ids, **data)
    assert response.status_code == 400
    assert error in response.content.decode()


def test_bulk_post_needs_a_csrf_token(editor_user, make_contacts, vip):
    a = make_contacts(1)[0]
    client = signed_in(editor_user, csrf=True)
    response = post(client, confirm=True, action="add_to_list", list=vip.public_id, ids=[a.pk])
    assert response.status_code == 403
    assert not ListMembership.objects.exists()
