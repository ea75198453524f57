"""Customers: the searchable list (with live contact counts) and a customer's page."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from apps.attributes.models import CustomerMetric
from apps.contacts.models import Contact, Customer
from apps.ingest.records import ContactRecord
from tests.dashboard.conftest import ingest

URL = reverse("dashboard:customers")


def customers_shown(response) -> list[str]:
    return re.findall(r'href="/customers/(\d+)/"', response.content.decode())


def test_list_shows_the_workspaces_customers_with_live_contact_counts(as_viewer, workspace, other_workspace):
    acme = Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    Customer.objects.create(workspace=other_workspace, external_id="acme", name="Other Acme")
    *_, c = ingest(
        workspace,
        *[ContactRecord(fields={"email": f"{n}@acme.test"}, customer_external_id="acme") for n in range(3)],
    )
    Contact.objects.filter(pk=c.pk).update(deleted_at=timezone.now())
    response = as_viewer.get(URL)
    assert customers_shown(response) == [str(acme.pk)]
    assert re.search(r'customer=acme">2</a>', response.content.decode())


def test_search_and_sort_by_name(as_viewer, workspace):
    for n, name in enumerate(["Beta", "Alpha", "Gamma"]):
        Customer.objects.create(workspace=workspace, external_id=f"x{n}", name=name)
    names = lambda r: re.findall(r'href="/customers/\d+/">([^<]+)</a>', r.content.decode())  # noqa: E731
    assert names(as_viewer.get(URL)) == ["Alpha", "Beta", "Gamma"]
    assert names(as_viewer.get(URL, {"sort": "-name"})) == ["Gamma", "Beta", "Alpha"]
    assert names(as_viewer.get(URL, {"q": "amm"})) == ["Gamma"]
    assert names(as_viewer.get(URL, {"q": "x1"})) == ["Alpha"]


def test_empty_state(as_viewer, db, workspace):
    assert "No customers yet." in as_viewer.get(URL).content.decode()


def test_detail_shows_contacts_attributes_and_metrics(as_viewer, workspace, definitions):
    acme = Customer.objects.create(
        workspace=workspace,
        external_id="acme",
        name="Acme",
        attributes={"plan": "pro"},
        owner_email="o@acme.test",
    )
    ingest(
        workspace,
        ContactRecord(fields={"email": "ann@acme.test", "first_name": "Ann"}, customer_external_id="acme"),
    )
    for day, orders in ((1, 3), (2, 8)):
        CustomerMetric.objects.create(customer=acme, date=dt.date(2025, 1, day), values={"orders": orders})
    html = as_viewer.get(reverse("dashboard:customer_detail", args=[acme.pk])).content.decode()
    for text in ("Acme", "o@acme.test", "Ann", "ann@acme.test", "Orders", "<polyline", "pro"):
        assert text in html, text
    assert "?customer=acme" in html


def test_another_workspaces_customer_is_404(as_viewer, other_workspace):
    theirs = Customer.objects.create(workspace=other_workspace, external_id="t", name="Theirs")
    assert as_viewer.get(reverse("dashboard:customer_detail", args=[theirs.pk])).status_code == 404


def test_customer_name_with_script_is_escaped(as_viewer, workspace):
    c = Customer.objects.create(workspace=workspace, external_id="s", name="<script>alert(1)</script>")
    for page in (URL, reverse("dashboard:customer_detail", args=[c.pk])):
        html = as_viewer.get(page).content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_customers_page_through_without_duplicates(as_viewer, workspace):
    Customer.objects.bulk_create(
        [Customer(workspace=workspace, external_id=f"c{n}", name=f"Same name {n % 3}") for n in range(130)]
    )
    seen, params = [], {}
    while True:
        html = as_viewer.get(URL, params).content.decode()
        seen += customers_shown_html(html)
        found = re.search(r'rel="next" href="\?cursor=([^"&]+)"', html)
        if not found:
            break
        params = {"cursor": found.group(1)}
    assert len(seen) == len(set(seen)) == 130


def customers_shown_html(html: str) -> list[str]:
    return re.findall(r'href="/customers/(\d+)/"', html)
