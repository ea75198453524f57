"""The contacts list: search, every filter, sorting, keyset pages, the match count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.contacts.models import Contact, Customer
from apps.ingest.records import ChannelChange, ContactRecord, ListRef
from apps.lists.services import list_create
from tests.dashboard.conftest import ingest

URL = reverse("dashboard:contacts")


def shown(response) -> list[str]:
    """Public ids of the contacts a list page shows, in order."""
    assert response.status_code == 200, response.content[:500]
    return re.findall(r'href="/contacts/([A-Za-z0-9]+)/"', response.content.decode())


def ids(contacts) -> list[str]:
    return [c.public_id for c in contacts]


def test_lists_live_contacts_of_the_workspace_only(as_viewer, make_contacts, other_contact, workspace):
    mine = make_contacts(2)
    Contact.objects.filter(pk=mine[0].pk).update(deleted_at=timezone.now())
    page = shown(as_viewer.get(URL))
    assert page == [mine[1].public_id]
    assert other_contact.public_id not in page


def test_deleted_filter_shows_only_deleted_contacts(as_viewer, make_contacts):
    a, _ = make_contacts(2)
    Contact.objects.filter(pk=a.pk).update(deleted_at=timezone.now())
    assert shown(as_viewer.get(URL, {"deleted": "only"})) == [a.public_id]


@pytest.mark.parametrize(
    "query", ["findme@example.test", "FINDME@", "Zelda", "zel", "Zelda Quist", "ext-findme", "+420601123456"]
)
def test_search_by_email_name_external_id_or_phone(as_viewer, make_contacts, workspace, query):
    make_contacts(3)
    target = ingest(
        workspace,
        ContactRecord(
            fields={
                "email": "findme@example.test",
                "first_name": "Zelda",
                "last_name": "Quist",
                "external_id": "ext-findme",
                "phone": "+420 601 123 456",
            }
        ),
    )[0]
    assert shown(as_viewer.get(URL, {"q": query})) == [target.public_id]


def test_filter_by_customer(as_viewer, make_contacts, workspace):
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    linked = ingest(workspace, ContactRecord(fields={"email": "a@acme.test"}, customer_external_id="acme"))[0]
    make_contacts(2)
    assert shown(as_viewer.get(URL, {"customer": "acme"})) == [linked.public_id]


def test_filter_by_list_and_list_status(as_viewer, make_contacts, workspace):
    vip = list_create(workspace_id=workspace.id, name="VIP")
    subscribed = make_contacts(1, prefix="s", lists_add=[ListRef(public_id=vip.public_id)])[0]
    pending = make_contacts(1, prefix="p", lists_add=[ListRef(public_id=vip.public_id, status="pending")])[0]
    make_contacts(2)
    assert set(shown(as_viewer.get(URL, {"list": vip.public_id}))) == {
        subscribed.public_id,
        pending.public_id,
    }
    assert shown(as_viewer.get(URL, {"list": vip.public_id, "list_status": "pending"})) == [pending.public_id]


def test_filter_by_status_and_type(as_viewer, make_contacts):
    make_contacts(2)
    employee = make_contacts(1, prefix="e", type="employee", status="unsubscribed")[0]
    assert shown(as_viewer.get(URL, {"type": "employee"})) == [employee.public_id]
    assert shown(as_viewer.get(URL, {"status": "unsubscribed"})) == [employee.public_id]


def test_filter_by_tag(as_viewer, make_contacts):
    make_contacts(2)
    tagged = make_contacts(1, prefix="t", tags_add=["beta"])[0]
    assert shown(as_viewer.get(URL, {"tag": "beta"})) == [tagged.public_id]
    assert shown(as_viewer.get(URL, {"tag": "nope"})) == []


def test_filter_by_channel_status(as_viewer, make_contacts):
    make_contacts(2, channels=[ChannelChange("email", "subscribed")])
    out = make_contacts(1, prefix="u", channels=[ChannelChange("email", "unsubscribed")])[0]
    response = as_viewer.get(URL, {"channel": "email", "channel_status": "unsubscribed"})
    assert shown(response) == [out.public_id]


@pytest.mark.parametrize(
    ("codename", "stored", "typed", "other"),
    [
        ("score", 42, "42", 7),
        ("score", 2.5, "2.5", 3),
        ("plan", "pro", "pro", "free"),
        ("vip", True, "true", False),
        ("vip", False, "no", True),
        ("since", "2024-02-29", "2024-02-29", "2024-03-01"),
        ("nickname", "Bo", "Bo", "bo"),
    ],
)
def test_filter_by_typed_attribute_value(
    as_viewer, make_contacts, definitions, codename, stored, typed, other
):
    match = make_contacts(1, prefix="m", attributes={codename: stored})[0]
    make_contacts(2, prefix="o", attributes={codename: other})
    make_contacts(1, prefix="n")
    assert shown(as_viewer.get(URL, {"attr": codename, "attr_value": typed})) == [match.public_id]


def test_attribute_without_value_means_has_a_value(as_viewer, make_contacts, definitions):
    with_score = make_contacts(1, prefix="m", attributes={"score": 1})[0]
    make_contacts(2)
    assert shown(as_viewer.get(URL, {"attr": "score"})) == [with_score.public_id]


def test_builtin_attribute_filters_the_column(as_viewer, make_contacts):
    prague = make_contacts(1, prefix="p", city="Prague")[0]
    make_contacts(2, city="Brno")
    assert shown(as_viewer.get(URL, {"attr": "city", "attr_value": "Prague"})) == [prague.public_id]


def test_attribute_value_of_the_wrong_type_says_why(as_viewer, make_contacts, definitions):
    make_contacts(2, attributes={"score": 1})
    response = as_viewer.get(URL, {"attr": "score", "attr_value": "lots"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Score is a Number attribute" in html
    assert shown(response) == []


def test_filter_by_created_and_updated_ranges(as_viewer, make_contacts):
    old, new = make_contacts(2)
    long_ago = timezone.now() - dt.timedelta(days=40)
    Contact.objects.filter(pk=old.pk).update(created_at=long_ago, updated_at=long_ago)
    day = (timezone.now() - dt.timedelta(days=10)).date().isoformat()
    assert shown(as_viewer.get(URL, {"created_after": day})) == [new.public_id]
    assert shown(as_viewer.get(URL, {"created_before": day})) == [old.public_id]
    assert shown(as_viewer.get(URL, {"updated_before": day})) == [old.public_id]


def test_sort_by_email_puts_contacts_without_email_last(as_viewer, make_contacts, workspace):
    b, a = make_contacts(1, prefix="b")[0], make_contacts(1, prefix="a")[0]
    no_email = ingest(workspace, ContactRecord(fields={"external_id": "x-1"}))[0]
    assert shown(as_viewer.get(URL, {"sort": "email"})) == [a.public_id, b.public_id, no_email.public_id]
    assert shown(as_viewer.get(URL, {"sort": "-email"})) == [b.public_id, a.public_id, no_email.public_id]


def test_column_headers_link_to_their_sort_and_mark_the_current_one(as_viewer, make_contacts):
    make_contacts(1)
    html = as_viewer.get(URL, {"sort": "email", "q": "c"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert "sort=-email" in html and "q=c" in html


def test_count_is_on_demand(as_viewer, make_contacts, definitions):
    make_contacts(3, attributes={"plan": "pro"})
    make_contacts(2, prefix="f", attributes={"plan": "free"})
    response = as_viewer.get(reverse("dashboard:contacts_count"), {"attr": "plan", "attr_value": "pro"})
    assert "<strong>3</strong> contacts match" in response.content.decode()


def test_htmx_request_gets_only_the_results(as_viewer, make_contacts):
    make_contacts(1)
    response = as_viewer.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contact-results")
    html = response.content.decode()
    assert "<html" not in html and "<table" in html


def test_empty_state_when_nothing_matches(as_viewer, db, workspace):
    html = as_viewer.get(URL, {"q": "nobody"}).content.decode()
    assert "No contacts match" in html


def test_target_list_preselects_adding_all_matching(as_editor, make_contacts, workspace):
    vip = list_create(workspace_id=workspace.id, name="VIP")
    make_contacts(1)
    html = as_editor.get(URL, {"target_list": vip.public_id}).content.decode()
    assert "Adding to the list <strong>VIP</strong>" in html
    assert re.search(rf'<option value="{vip.public_id}" selected>', html)
    assert re.search(r'value="all" checked', html)


def test_a_complete_email_is_looked_up_exactly(as_viewer, workspace):
    ann, _ = ingest(
        workspace,
        ContactRecord(fields={"email": "ann@example.test"}),
        ContactRecord(fields={"email": "joann@example.test"}),
    )
    assert shown(as_viewer.get(URL, {"q": "Ann@Example.test"})) == [ann.public_id]
    assert len(shown(as_viewer.get(URL, {"q": "ann@"}))) == 2  # a fragment still matches by substring
