"""Lists: create, rename, delete; members with search, status and counts; add (by search, pasted emails or
external ids, from a contacts filter) and remove — through the ingest."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.contacts.models import Contact
from apps.ingest.records import ListRef
from apps.lists.models import ContactList, ListMembership
from apps.lists.services import list_create
from tests.dashboard.conftest import signed_in


@pytest.fixture
def vip(workspace):
    return list_create(workspace_id=workspace.id, name="VIP")


def detail(contact_list) -> str:
    return reverse("dashboard:list_detail", args=[contact_list.public_id])


def members_shown(html: str) -> list[str]:
    return re.findall(r'href="/contacts/([A-Za-z0-9]+)/"', html)


def messages_of(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def test_index_shows_counts_by_status(as_viewer, vip, make_contacts):
    make_contacts(2, prefix="s", lists_add=[ListRef(public_id=vip.public_id)])
    make_contacts(1, prefix="p", lists_add=[ListRef(public_id=vip.public_id, status="pending")])
    gone = make_contacts(1, prefix="d", lists_add=[ListRef(public_id=vip.public_id)])[0]
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    html = as_viewer.get(reverse("dashboard:lists")).content.decode()
    assert "VIP" in html
    assert re.search(
        r'<td class="num"><strong>3</strong></td>\s*<td class="num">2</td>\s*<td class="num">0</td>\s*'
        r'<td class="num">1</td>',
        html,
    )


def test_create_a_list(as_editor, workspace):
    response = as_editor.post(reverse("dashboard:list_new"), {"name": "Newsletter", "description": "weekly"})
    created = ContactList.objects.get(workspace=workspace, name="Newsletter")
    assert response["Location"] == detail(created)
    assert created.description == "weekly"


def test_duplicate_name_is_refused(as_editor, vip):
    response = as_editor.post(reverse("dashboard:list_new"), {"name": "VIP"})
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["name"])


def test_rename_refuses_a_taken_name(as_editor, vip, workspace):
    other = list_create(workspace_id=workspace.id, name="Other")
    edit = reverse("dashboard:list_edit", args=[other.public_id])
    assert as_editor.post(edit, {"name": "VIP"}).status_code == 400
    assert as_editor.post(edit, {"name": "Renamed", "description": "x"}).status_code == 302
    other.refresh_from_db()
    assert (other.name, other.description) == ("Renamed", "x")


def test_delete_is_for_admins_and_confirmed(as_editor, as_admin, vip):
    url = reverse("dashboard:list_delete", args=[vip.public_id])
    assert as_editor.get(url).status_code == 403
    assert "has <strong>0</strong> members" in as_admin.get(url).content.decode()
    assert as_admin.post(url).status_code == 302
    vip.refresh_from_db()
    assert vip.deleted_at is not None
    assert as_admin.get(detail(vip)).status_code == 404


def test_viewer_cannot_change_lists(as_viewer, vip, make_contacts):
    contact = make_contacts(1)[0]
    for name, data in (
        ("list_edit", {"name": "X"}),
        ("list_members_add", {"mode": "ids", "ids": [contact.pk]}),
        ("list_members_remove", {"ids": [contact.pk]}),
    ):
        assert as_viewer.post(reverse(f"dashboard:{name}", args=[vip.public_id]), data).status_code == 403
    assert as_viewer.post(reverse("dashboard:list_new"), {"name": "X"}).status_code == 403
    assert not ListMembership.objects.exists()


def test_members_with_search_and_status(as_viewer, vip, make_contacts):
    subscribed = make_contacts(2, prefix="sub", lists_add=[ListRef(public_id=vip.public_id)])
    pending = make_contacts(1, prefix="pen", lists_add=[ListRef(public_id=vip.public_id, status="pending")])[
        0
    ]
    make_contacts(2, prefix="out")
    html = as_viewer.get(detail(vip)).content.decode()
    assert set(members_shown(html)) == {c.public_id for c in [*subscribed, pending]}
    assert members_shown(as_viewer.get(detail(vip), {"status": "pending"}).content.decode()) == [
        pending.public_id
    ]
    assert members_shown(as_viewer.get(detail(vip), {"q": "sub1@"}).content.decode()) == [
        subscribed[1].public_id
    ]
    fragment = as_viewer.get(detail(vip), {"q": "pen"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="members")
    assert "<html" not in fragment.content.decode()


def test_add_contacts_found_by_search(as_editor, vip, make_contacts):
    a, b = make_contacts(2)
    candidates = as_editor.get(reverse("dashboard:list_candidates", args=[vip.public_id]), {"q": "c1@"})
    assert (
        f'value="{b.pk}"' in candidates.content.decode()
        and f'value="{a.pk}"' not in candidates.content.decode()
    )
    response = as_editor.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]), {"mode": "ids", "ids": [b.pk]}
    )
    assert messages_of(response) == ["Added 1 contact."]
    assert list(ListMembership.objects.values_list("contact_id", "source")) == [(b.pk, "dashboard")]
    again = as_editor.get(reverse("dashboard:list_candidates", args=[vip.public_id]), {"q": "c1@"})
    assert "already on the list" in again.content.decode()


def test_add_by_pasting_emails(as_editor, vip, make_contacts):
    a, b = make_contacts(2)
    text = f"{a.email.upper()}, {b.email}\nnobody@example.test\n\n{a.email}"
    response = as_editor.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]),
        {"mode": "paste", "key": "email", "text": text, "status": "pending"},
    )
    assert messages_of(response) == ["Added 2 contacts.", "1 not found: nobody@example.test."]
    assert set(ListMembership.objects.values_list("contact_id", "status")) == {
        (a.pk, "pending"),
        (b.pk, "pending"),
    }


def test_add_by_pasting_external_ids(as_editor, vip, make_contacts):
    a, _ = make_contacts(2)
    response = as_editor.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]),
        {"mode": "paste", "key": "external_id", "text": "c-0\nmissing id", "status": "subscribed"},
    )
    assert messages_of(response) == ["Added 1 contact.", "1 not found: missing id."]
    assert list(ListMembership.objects.values_list("contact_id", flat=True)) == [a.pk]


def test_pasting_nothing_says_so(as_editor, vip):
    response = as_editor.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]),
        {"mode": "paste", "key": "email", "text": " \n ", "status": "subscribed"},
    )
    assert response.status_code == 302
    assert not ListMembership.objects.exists()
    assert messages_of(response)


def test_add_from_a_contacts_filter_links_to_the_contacts_page(as_editor, vip):
    html = as_editor.get(detail(vip)).content.decode()
    assert f'href="/contacts/?target_list={vip.public_id}"' in html


def test_remove_selected_members(as_editor, vip, make_contacts):
    a, b = make_contacts(2, lists_add=[ListRef(public_id=vip.public_id)])
    response = as_editor.post(reverse("dashboard:list_members_remove", args=[vip.public_id]), {"ids": [a.pk]})
    assert messages_of(response) == ["Removed 1 contact."]
    assert list(ListMembership.objects.values_list("contact_id", flat=True)) == [b.pk]


def test_deleted_contacts_are_not_added(as_editor, vip, make_contacts):
    gone = make_contacts(1)[0]
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    as_editor.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]), {"mode": "ids", "ids": [gone.pk]}
    )
    assert not ListMembership.objects.exists()
    assert Contact.objects.get(pk=gone.pk).deleted_at is not None


def test_another_workspaces_list_and_contacts_are_out_of_reach(as_admin, other_workspace, vip, other_contact):
    theirs = list_create(workspace_id=other_workspace.id, name="Theirs")
    for name in ("list_detail", "list_edit", "list_delete"):
        assert as_admin.get(reverse(f"dashboard:{name}", args=[theirs.public_id])).status_code == 404
    url = reverse("dashboard:list_members_add", args=[theirs.public_id])
    assert as_admin.post(url, {"mode": "ids", "ids": [other_contact.pk]}).status_code == 404
    # a foreign contact id on our own list is simply not found
    as_admin.post(
        reverse("dashboard:list_members_add", args=[vip.public_id]),
        {"mode": "ids", "ids": [other_contact.pk]},
    )
    assert not ListMembership.objects.exists()


def test_list_name_with_script_is_escaped(as_viewer, workspace):
    evil = list_create(workspace_id=workspace.id, name="<script>alert(1)</script>")
    for page in (reverse("dashboard:lists"), detail(evil)):
        html = as_viewer.get(page).content.decode()
        assert "<script>alert(1)" not in html


@pytest.mark.parametrize("name", ["list_edit", "list_delete", "list_members_add", "list_members_remove"])
def test_posts_need_a_csrf_token(admin_user, vip, name):
    client = signed_in(admin_user, csrf=True)
    assert client.post(reverse(f"dashboard:{name}", args=[vip.public_id]), {"name": "X"}).status_code == 403
    vip.refresh_from_db()
    assert vip.name == "VIP" and vip.deleted_at is None
