"""Attribute definitions: list with usage counts, create, edit, archive, and type changes that are refused
(saying how many) when stored values would not convert."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.attributes.models import AttributeDefinition
from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact, ContactChange

URL = reverse("dashboard:attributes")


def definition(workspace, codename: str) -> AttributeDefinition:
    return AttributeDefinition.objects.get(workspace=workspace, codename=codename)


def test_list_marks_builtins_as_locked(as_admin, definitions):
    html = as_admin.get(URL).content.decode()
    assert "🔒 built-in" in html and "<code>email</code>" in html
    assert "Score" in html and "Number" in html
    assert html.count(">locked<") == AttributeDefinition.objects.filter(builtin=True).count()


def test_counts_of_contacts_with_a_value_load_separately(as_viewer, make_contacts, definitions):
    make_contacts(3, prefix="a", attributes={"score": 1}, city="Brno")
    gone = make_contacts(1, prefix="d", attributes={"score": 2})[0]
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    page = as_viewer.get(URL).content.decode()
    assert 'hx-get="/attributes/?counts=1"' in page and 'hx-trigger="load"' in page
    fragment = as_viewer.get(URL, {"counts": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert '?attr=score">3</a>' in fragment  # live contacts only
    assert '?attr=city">3</a>' in fragment
    assert '?attr=plan">0</a>' in fragment


def test_create_an_attribute(as_editor, workspace):
    response = as_editor.post(
        reverse("dashboard:attribute_create"),
        {
            "codename": "tier",
            "label": "Tier",
            "type": "choice",
            "choices": "gold\nsilver\n\n",
            "description": "d",
        },
    )
    assert response.status_code == 302
    tier = definition(workspace, "tier")
    assert (tier.label, tier.type, tier.choices, tier.description) == (
        "Tier",
        "choice",
        ["gold", "silver"],
        "d",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"codename": "score", "type": "number"}, "codename", "already exists"),
        ({"codename": "email", "type": "string"}, "codename", "already exists"),
        ({"codename": "bad name", "type": "string"}, "codename", "Enter a valid value"),
        ({"codename": "tier", "type": "choice", "choices": ""}, "choices", "at least one choice"),
    ],
)
def test_create_refuses_with_a_reason(as_editor, definitions, data, field, message):
    response = as_editor.post(reverse("dashboard:attribute_create"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])


def test_viewer_cannot_create_or_edit(as_viewer, definitions, workspace):
    score = definition(workspace, "score")
    assert as_viewer.get(reverse("dashboard:attribute_create")).status_code == 403
    assert (
        as_viewer.post(reverse("dashboard:attribute_edit", args=[score.pk]), {"label": "X"}).status_code
        == 403
    )


def test_edit_label_description_and_choices(as_editor, definitions, workspace):
    plan = definition(workspace, "plan")
    response = as_editor.post(
        reverse("dashboard:attribute_edit", args=[plan.pk]),
        {"label": "Plan", "description": "Billing plan", "choices": "free\npro\nenterprise"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.label, plan.description, plan.choices) == (
        "Plan",
        "Billing plan",
        ["free", "pro", "enterprise"],
    )


def test_removing_a_choice_in_use_is_refused_with_the_count(as_editor, definitions, workspace, make_contacts):
    make_contacts(2, attributes={"plan": "pro"})
    plan = definition(workspace, "plan")
    response = as_editor.post(
        reverse("dashboard:attribute_edit", args=[plan.pk]),
        {"label": "Plan", "description": "", "choices": "free"},
    )
    assert response.status_code == 400
    assert "2 stored values use a choice you removed." in " ".join(response.context["form"].errors["choices"])
    plan.refresh_from_db()
    assert plan.choices == ["free", "pro"]


def test_builtin_attributes_are_locked(as_admin, workspace):
    email = definition(workspace, "email")
    for name in ("attribute_edit", "attribute_type"):
        response = as_admin.get(reverse(f"dashboard:{name}", args=[email.pk]), follow=True)
        assert "is built in" in response.content.decode()
    as_admin.post(reverse("dashboard:attribute_archive", args=[email.pk]))
    as_admin.post(reverse("dashboard:attribute_edit", args=[email.pk]), {"label": "Mail"})
    email.refresh_from_db()
    assert (email.label, email.archived) == ("Email", False)


def test_archive_and_unarchive_are_for_admins(as_editor, as_admin, definitions, workspace):
    score = definition(workspace, "score")
    archive = reverse("dashboard:attribute_archive", args=[score.pk])
    assert as_editor.post(archive).status_code == 403
    as_admin.post(archive)
    score.refresh_from_db()
    assert score.archived
    assert "archived" in as_admin.get(URL).content.decode()
    as_admin.post(archive, {"archived": "0"})
    score.refresh_from_db()
    assert not score.archived


def test_type_change_is_refused_saying_how_many_values_would_not_convert(as_admin, workspace, make_contacts):
    attribute_definition_create(workspace=workspace, codename="size", type="string")
    make_contacts(3, prefix="n", attributes={"size": "42"})
    make_contacts(2, prefix="t", attributes={"size": "large"})
    size = definition(workspace, "size")
    response = as_admin.post(reverse("dashboard:attribute_type", args=[size.pk]), {"type": "number"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "2 stored values of size would not convert to Number" in html
    assert "2 of 5 stored values would not convert" in html
    assert "large" in html
    size.refresh_from_db()
    assert size.type == "string"
    assert sorted(c.attributes["size"] for c in Contact.objects.all()) == ["42", "42", "42", "large", "large"]


def test_type_change_converts_every_stored_value(as_admin, admin_user, workspace, make_contacts):
    attribute_definition_create(workspace=workspace, codename="size", type="string")
    live = make_contacts(2, prefix="n", attributes={"size": "42"})
    gone = make_contacts(1, prefix="d", attributes={"size": "7"})[0]
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    size = definition(workspace, "size")
    response = as_admin.post(reverse("dashboard:attribute_type", args=[size.pk]), {"type": "number"})
    assert response.status_code == 302
    size.refresh_from_db()
    assert size.type == "number"
    assert {c.pk: c.attributes["size"] for c in Contact.objects.all()} == {
        live[0].pk: 42,
        live[1].pk: 42,
        gone.pk: 7,
    }
    assert Contact.objects.get(pk=gone.pk).deleted_at is not None  # converted, not restored
    change = ContactChange.objects.filter(contact=live[0]).order_by("-id").first()
    assert change.changes == {"attributes.size": ["42", 42]} and change.user == admin_user
    # and the typed filter finds them
    html = as_admin.get(reverse("dashboard:contacts"), {"attr": "size", "attr_value": "42"}).content.decode()
    assert live[0].public_id in html and live[1].public_id in html


def test_type_change_to_choice_needs_the_choices_values_use(as_admin, workspace, make_contacts):
    attribute_definition_create(workspace=workspace, codename="color", type="string")
    make_contacts(2, attributes={"color": "red"})
    color = definition(workspace, "color")
    type_url = reverse("dashboard:attribute_type", args=[color.pk])
    refused = as_admin.post(type_url, {"type": "choice", "choices": "blue"})
    assert refused.status_code == 409
    assert as_admin.post(type_url, {"type": "choice", "choices": "red\nblue"}).status_code == 302
    color.refresh_from_db()
    assert (color.type, color.choices) == ("choice", ["red", "blue"])


def test_type_change_is_for_admins(as_editor, definitions, workspace):
    score = definition(workspace, "score")
    assert as_editor.get(reverse("dashboard:attribute_type", args=[score.pk])).status_code == 403


@pytest.mark.parametrize("name", ["attribute_edit", "attribute_type", "attribute_archive"])
def test_another_workspaces_definition_is_404(as_admin, other_workspace, name):
    theirs = attribute_definition_create(workspace=other_workspace, codename="secret")
    assert as_admin.post(reverse(f"dashboard:{name}", args=[theirs.pk]), {"label": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.label, theirs.archived) == ("Secret", False)
