"""One contact: the page, the edit form (through the ingest), soft delete, GDPR erase and export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.attributes.models import AttributeDefinition, ContactMetric
from apps.attributes.services import attribute_definition_create
from apps.contacts.models import ConsentRecord, Contact, ContactChange, Customer
from apps.imports.models import ImportJob
from apps.ingest.records import ChannelChange, ContactRecord, IngestSource, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.services import list_create
from tests.dashboard.conftest import ingest, signed_in


def url(name: str, contact: Contact) -> str:
    return reverse(f"dashboard:{name}", args=[contact.public_id])


@pytest.fixture
def rich_contact(workspace, definitions, api_key):
    """A contact with something in every section of its page."""
    vip = list_create(workspace_id=workspace.id, name="VIP")
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme Ltd")
    contact = ingest(
        workspace,
        ContactRecord(
            fields={"email": "rich@example.test", "first_name": "Rita", "last_name": "Rich", "city": "Brno"},
            attributes={"plan": "pro", "score": 42, "vip": True},
            customer_external_id="acme",
            lists_add=[ListRef(public_id=vip.public_id, status="pending")],
            channels=[ChannelChange("email", "subscribed")],
            tags_add=["beta"],
            metrics={"2025-01-01": {"orders": 3, "tier": "gold"}, "2025-02-01": {"orders": 5}},
        ),
    )[0]
    ConsentRecord.objects.create(
        contact=contact, kind="marketing", granted=True, at=timezone.now(), ip="10.0.0.1"
    )
    job = ImportJob.objects.create(workspace=workspace, source="csv")
    contacts_ingest(
        workspace_id=workspace.id,
        records=[ContactRecord(fields={"email": "rich@example.test", "city": "Prague"})],
        source=IngestSource(name="csv", import_job_id=job.id, api_key_id=api_key.api_key.id),
    )
    return contact


def test_detail_shows_every_section(as_viewer, rich_contact):
    html = as_viewer.get(url("contact_detail", rich_contact)).content.decode()
    for text in (
        "Rita Rich",
        "rich@example.test",
        "Acme Ltd",
        "Score",  # the definition's label
        ">42<",
        "VIP",
        "Pending",
        "Email",
        "Subscribed",
        "beta",
        "Marketing",
        "10.0.0.1",
        "Orders",
        "<polyline",
        "gold",
        "csv",
        "Integration",  # the API key's name
        "Brno",
        "Prague",
    ):
        assert text in html, text


def test_history_names_the_user_of_a_dashboard_edit(as_editor, editor_user, rich_contact):
    as_editor.post(url("contact_edit", rich_contact), edit_data(rich_contact, first_name="Rosa"))
    change = ContactChange.objects.filter(contact=rich_contact).order_by("-id").first()
    assert change.user == editor_user and change.source == "dashboard"
    assert change.changes == {"first_name": ["Rita", "Rosa"]}
    html = signed_in(editor_user).get(url("contact_detail", rich_contact)).content.decode()
    assert f"user {editor_user.username}" in html


def test_stored_script_in_attribute_values_and_labels_renders_escaped(as_viewer, workspace, make_contacts):
    attribute_definition_create(workspace=workspace, codename="bio", label="<script>alert('label')</script>")
    contact = make_contacts(
        1, first_name="<script>alert('name')</script>", attributes={"bio": "<script>x</script>"}
    )[0]
    for page in (
        url("contact_detail", contact),
        reverse("dashboard:contacts"),
        reverse("dashboard:attributes"),
    ):
        html = as_viewer.get(page).content.decode()
        assert "<script>alert" not in html and "<script>x" not in html, page
    assert "&lt;script&gt;x&lt;/script&gt;" in as_viewer.get(url("contact_detail", contact)).content.decode()


@pytest.mark.parametrize("name", ["contact_detail", "contact_export", "contact_edit", "contact_erase"])
def test_another_workspaces_contact_is_404(as_admin, other_contact, name):
    assert as_admin.get(url(name, other_contact)).status_code == 404


@pytest.mark.parametrize("name", ["contact_edit", "contact_erase", "contact_delete"])
def test_another_workspaces_contact_is_404_on_post(as_admin, other_contact, name):
    assert as_admin.post(url(name, other_contact), {"confirm": other_contact.email}).status_code == 404
    assert Contact.objects.filter(pk=other_contact.pk, deleted_at__isnull=True).exists()


# --- edit ------------------------------------------------------------------------------------------------


def edit_data(contact: Contact, **changes) -> dict[str, str]:
    """The edit form as the browser posts it: every input with its current value, then `changes`."""
    from apps.dashboard.forms.contacts import ContactEditForm

    definitions = list(AttributeDefinition.objects.filter(workspace_id=contact.workspace_id))
    form = ContactEditForm(contact=Contact.objects.get(pk=contact.pk), definitions=definitions)
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_viewer_cannot_open_or_post_the_edit_form(as_viewer, make_contacts):
    contact = make_contacts(1)[0]
    assert as_viewer.get(url("contact_edit", contact)).status_code == 403
    assert as_viewer.post(url("contact_edit", contact), {"first_name": "X"}).status_code == 403


def test_edit_writes_only_changed_fields_through_the_ingest(as_editor, rich_contact):
    response = as_editor.post(
        url("contact_edit", rich_contact), edit_data(rich_contact, last_name="", attr__score="43", phone="")
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=rich_contact.pk)
    assert contact.last_name is None  # emptied: cleared
    assert contact.first_name == "Rita"  # untouched: kept
    assert contact.attributes["score"] == 43  # typed by the ingest
    assert contact.last_source == "dashboard"


def test_edit_clears_an_attribute_and_the_customer(as_editor, rich_contact):
    as_editor.post(url("contact_edit", rich_contact), edit_data(rich_contact, attr__plan="", customer=""))
    contact = Contact.objects.get(pk=rich_contact.pk)
    assert "plan" not in contact.attributes
    assert contact.customer_id is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", ""),
        ({"attr__score": "lots"}, "attr__score", "expected a number"),
        ({"customer": "nope"}, "customer", "unknown customer"),
        ({"timezone": "Mars/Base"}, "timezone", "IANA"),
    ],
)
def test_edit_shows_ingest_errors_on_the_field_and_writes_nothing(
    as_editor, rich_contact, change, field, message
):
    before = Contact.objects.get(pk=rich_contact.pk)
    response = as_editor.post(url("contact_edit", rich_contact), edit_data(rich_contact, **change))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message.lower() in " ".join(form.errors[field]).lower()
    after = Contact.objects.get(pk=rich_contact.pk)
    assert (after.email, after.attributes, after.customer_id) == (
        before.email,
        before.attributes,
        before.customer_id,
    )


def test_edit_refuses_an_email_another_contact_has(as_editor, rich_contact, make_contacts):
    make_contacts(1, prefix="taken")
    response = as_editor.post(
        url("contact_edit", rich_contact), edit_data(rich_contact, email="taken0@example.test")
    )
    assert response.status_code == 400
    assert "another contact" in " ".join(response.context["form"].errors["email"])


def test_edit_form_has_typed_inputs(as_editor, rich_contact):
    html = as_editor.get(url("contact_edit", rich_contact)).content.decode()
    assert 'name="attr__score"' in html and 'type="number"' in html
    assert 'name="attr__since"' in html and 'type="date"' in html
    assert '<option value="pro" selected>pro</option>' in html
    assert '<option value="true" selected>Yes</option>' in html


def test_a_deleted_contact_cannot_be_edited(as_editor, make_contacts):
    contact = make_contacts(1)[0]
    Contact.objects.filter(pk=contact.pk).update(deleted_at=timezone.now())
    response = as_editor.post(url("contact_edit", contact), {"first_name": "Back"})
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).deleted_at is not None


# --- delete, erase, export -------------------------------------------------------------------------------


def test_delete_is_for_admins(as_editor, as_admin, make_contacts):
    contact = make_contacts(1)[0]
    assert as_editor.post(url("contact_delete", contact)).status_code == 403
    assert as_admin.post(url("contact_delete", contact)).status_code == 302
    assert Contact.objects.get(pk=contact.pk).deleted_at is not None
    assert "Deleted" in as_admin.get(url("contact_detail", contact)).content.decode()


def test_delete_needs_post(as_admin, make_contacts):
    contact = make_contacts(1)[0]
    assert as_admin.get(url("contact_delete", contact)).status_code == 405


def test_erase_requires_typing_the_email_or_id(as_admin, as_editor, rich_contact):
    assert as_editor.get(url("contact_erase", rich_contact)).status_code == 403
    page = as_admin.get(url("contact_erase", rich_contact))
    assert page.status_code == 200 and "Type the contact" in page.content.decode()
    wrong = as_admin.post(url("contact_erase", rich_contact), {"confirm": "someone@else.test"})
    assert wrong.status_code == 400
    assert Contact.objects.filter(pk=rich_contact.pk).exists()
    right = as_admin.post(url("contact_erase", rich_contact), {"confirm": "RICH@example.test"})
    assert right.status_code == 302
    assert not Contact.objects.filter(pk=rich_contact.pk).exists()
    assert not ContactMetric.objects.filter(contact_id=rich_contact.pk).exists()
    assert not ConsentRecord.objects.filter(contact_id=rich_contact.pk).exists()


def test_erase_accepts_the_public_id(as_admin, workspace):
    contact = ingest(workspace, ContactRecord(fields={"external_id": "no-email"}))[0]
    as_admin.post(url("contact_erase", contact), {"confirm": contact.public_id})
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_gdpr_export_is_a_json_download_of_everything(as_viewer, rich_contact):
    response = as_viewer.get(url("contact_export", rich_contact))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="contact-{rich_contact.public_id}.json"'
    data = json.loads(response.content)
    assert data["contact"]["email"] == "rich@example.test"
    assert data["attributes"] == {"plan": "pro", "score": 42, "vip": True}
    assert data["customer"] == {"external_id": "acme", "name": "Acme Ltd"}
    assert data["tags"] == ["beta"]
    assert [m["status"] for m in data["lists"]] == ["pending"]
    assert [s["channel"] for s in data["subscriptions"]] == ["email"]
    assert data["consents"][0]["kind"] == "marketing"
    assert [m["date"] for m in data["metrics"]] == ["2025-01-01", "2025-02-01"]
    assert [h["action"] for h in data["history"]] == ["created", "updated"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("contact_edit", {"first_name": "X"}),
        ("contact_delete", {}),
        ("contact_erase", {"confirm": "c0@example.test"}),
    ],
)
def test_posts_need_a_csrf_token(admin_user, make_contacts, name, data):
    contact = make_contacts(1)[0]
    client = signed_in(admin_user, csrf=True)
    assert client.post(url(name, contact), data).status_code == 403
    assert Contact.objects.filter(pk=contact.pk, deleted_at__isnull=True).exists()


def test_metrics_without_numbers_show_as_a_table_only(as_viewer, rich_contact):
    html = as_viewer.get(url("contact_detail", rich_contact)).content.decode()
    # "orders" is numeric on both dates: charted; "tier" is text: table only
    assert html.count("<polyline") == 1
    assert dt.date(2025, 2, 1).isoformat() in html
