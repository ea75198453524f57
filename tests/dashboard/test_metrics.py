"""Metric definitions: list with usage counts, create, edit, archive, and type changes (refused or done)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.attributes.models import ContactMetric, CustomerMetric, MetricDefinition
from apps.attributes.services import metric_definition_create
from apps.contacts.models import Contact, Customer

URL = reverse("dashboard:metrics")


def metric(workspace, codename: str) -> MetricDefinition:
    return MetricDefinition.objects.get(workspace=workspace, codename=codename)


def test_list_and_counts(as_viewer, make_contacts, definitions):
    contacts = make_contacts(3)
    for c in contacts[:2]:
        ContactMetric.objects.create(contact=c, date=dt.date(2025, 1, 1), values={"orders": 1})
        ContactMetric.objects.create(contact=c, date=dt.date(2025, 1, 2), values={"orders": 2})
    html = as_viewer.get(URL).content.decode()
    assert "Orders" in html and "<code>orders</code>" in html
    fragment = as_viewer.get(URL, {"counts": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<td class="num">2</td>' in fragment  # orders: two contacts (not four rows)
    assert '<td class="num">0</td>' in fragment  # tier


def test_create_edit_and_archive(as_editor, as_admin, workspace):
    assert (
        as_editor.post(reverse("dashboard:metric_create"), {"codename": "nps", "type": "number"}).status_code
        == 302
    )
    nps = metric(workspace, "nps")
    assert nps.label == "Nps"
    as_editor.post(reverse("dashboard:metric_edit", args=[nps.pk]), {"label": "NPS", "description": "0-10"})
    nps.refresh_from_db()
    assert (nps.label, nps.description) == ("NPS", "0-10")
    assert as_editor.post(reverse("dashboard:metric_archive", args=[nps.pk])).status_code == 403
    as_admin.post(reverse("dashboard:metric_archive", args=[nps.pk]))
    nps.refresh_from_db()
    assert nps.archived


def test_duplicate_codename_is_refused(as_editor, definitions):
    response = as_editor.post(reverse("dashboard:metric_create"), {"codename": "orders", "type": "number"})
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["codename"])


def test_viewer_cannot_create(as_viewer):
    assert (
        as_viewer.post(reverse("dashboard:metric_create"), {"codename": "x", "type": "number"}).status_code
        == 403
    )


def test_type_change_is_refused_with_the_count_of_contact_and_customer_values(
    as_admin, workspace, make_contacts
):
    metric_definition_create(workspace=workspace, codename="level", type="string")
    contact = make_contacts(1)[0]
    ContactMetric.objects.create(contact=contact, date=dt.date(2025, 1, 1), values={"level": "3"})
    ContactMetric.objects.create(contact=contact, date=dt.date(2025, 1, 2), values={"level": "high"})
    acme = Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    CustomerMetric.objects.create(customer=acme, date=dt.date(2025, 1, 1), values={"level": "top"})
    level = metric(workspace, "level")
    response = as_admin.post(reverse("dashboard:metric_type", args=[level.pk]), {"type": "number"})
    assert response.status_code == 409
    assert "2 stored values of level would not convert to Number" in response.content.decode()
    level.refresh_from_db()
    assert level.type == "string"


def test_type_change_converts_contact_and_customer_values(as_admin, workspace, make_contacts):
    metric_definition_create(workspace=workspace, codename="level", type="string")
    live, gone = make_contacts(2)
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    ContactMetric.objects.create(contact=live, date=dt.date(2025, 1, 1), values={"level": "3", "x": 1})
    ContactMetric.objects.create(contact=gone, date=dt.date(2025, 1, 1), values={"level": "4"})
    acme = Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    CustomerMetric.objects.create(customer=acme, date=dt.date(2025, 1, 1), values={"level": "5"})
    level = metric(workspace, "level")
    assert (
        as_admin.post(reverse("dashboard:metric_type", args=[level.pk]), {"type": "number"}).status_code
        == 302
    )
    level.refresh_from_db()
    assert level.type == "number"
    assert ContactMetric.objects.get(contact=live).values == {"level": 3, "x": 1}
    assert ContactMetric.objects.get(contact=gone).values == {"level": 4}
    assert CustomerMetric.objects.get(customer=acme).values == {"level": 5}
    assert Contact.objects.get(pk=gone.pk).deleted_at is not None


@pytest.mark.parametrize("name", ["metric_edit", "metric_type", "metric_archive"])
def test_another_workspaces_metric_is_404(as_admin, other_workspace, name):
    theirs = metric_definition_create(workspace=other_workspace, codename="secret")
    assert as_admin.post(reverse(f"dashboard:{name}", args=[theirs.pk]), {"label": "x"}).status_code == 404
