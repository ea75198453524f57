"""Each page makes a fixed number of queries, whether it shows 1 row or 20."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.attributes.models import ContactMetric, CustomerMetric
from apps.contacts.models import ConsentRecord, Contact, ContactChange, Customer
from apps.ingest.records import ChannelChange, ContactRecord, ListRef
from apps.lists.services import list_create
from tests.dashboard.conftest import ingest


def queries(client, url, params=None) -> int:
    client.get(url, params or {})  # the first request of a session also stores the current workspace
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_contacts_list_with_an_attribute_filter(as_editor, workspace, definitions):
    Customer.objects.create(workspace=workspace, external_id="acme", name="Acme")
    url = reverse("dashboard:contacts")
    params = {"attr": "plan", "attr_value": "pro", "sort": "email"}
    ingest(
        workspace,
        ContactRecord(
            fields={"email": "one@x.test"}, attributes={"plan": "pro"}, customer_external_id="acme"
        ),
    )
    one = queries(as_editor, url, params)
    ingest(
        workspace,
        *[
            ContactRecord(
                fields={"email": f"m{n}@x.test"}, attributes={"plan": "pro"}, customer_external_id="acme"
            )
            for n in range(19)
        ],
    )
    assert queries(as_editor, url, params) == one
    assert one <= 8, one


def add_everything(contact: Contact, workspace, n: int) -> None:
    """n of each related row: list memberships, subscriptions, tags, consents, metric dates, changes."""
    lists = [list_create(workspace_id=workspace.id, name=f"L{contact.pk}-{i}") for i in range(n)]
    ingest(
        workspace,
        ContactRecord(
            fields={"email": contact.email},
            lists_add=[ListRef(public_id=cl.public_id) for cl in lists],
            channels=[ChannelChange("push", "subscribed", f"token-{i}") for i in range(n)],
            tags_add=[f"tag-{i}" for i in range(n)],
            metrics={
                dt.date(2025, 1, 1) + dt.timedelta(days=i): {"orders": i, "tier": "x"} for i in range(n)
            },
        ),
    )
    now = timezone.now()
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(contact=contact, kind="terms", granted=bool(i % 2), at=now) for i in range(n)]
    )
    ContactChange.objects.bulk_create(
        [
            ContactChange(contact=contact, at=now, action="updated", changes={"city": ["a", "b"]})
            for i in range(n)
        ]
    )


def test_contact_detail(as_editor, workspace, definitions, make_contacts):
    small, big = make_contacts(2, attributes={"plan": "pro", "score": 1})
    add_everything(small, workspace, 1)
    add_everything(big, workspace, 20)
    assert ContactMetric.objects.filter(contact=big).count() == 20
    one = queries(as_editor, reverse("dashboard:contact_detail", args=[small.public_id]))
    twenty = queries(as_editor, reverse("dashboard:contact_detail", args=[big.public_id]))
    assert one == twenty
    assert one <= 14, one


def test_customers_page(as_viewer, workspace, make_contacts):
    url = reverse("dashboard:customers")
    Customer.objects.create(workspace=workspace, external_id="c0", name="C0")
    one = queries(as_viewer, url)
    Customer.objects.bulk_create(
        [Customer(workspace=workspace, external_id=f"c{n}", name=f"C{n}") for n in range(1, 20)]
    )
    ingest(
        workspace,
        *[ContactRecord(fields={"email": f"{n}@x.test"}, customer_external_id=f"c{n}") for n in range(20)],
    )
    assert queries(as_viewer, url) == one


def test_customer_detail(as_viewer, workspace):
    small = Customer.objects.create(workspace=workspace, external_id="s", name="S")
    big = Customer.objects.create(workspace=workspace, external_id="b", name="B")
    for customer, n in ((small, 1), (big, 20)):
        ingest(
            workspace,
            *[
                ContactRecord(
                    fields={"email": f"{customer.external_id}{i}@x.test"},
                    customer_external_id=customer.external_id,
                )
                for i in range(n)
            ],
        )
        CustomerMetric.objects.bulk_create(
            [
                CustomerMetric(
                    customer=customer, date=dt.date(2025, 1, 1) + dt.timedelta(days=i), values={"m": i}
                )
                for i in range(n)
            ]
        )
    one = queries(as_viewer, reverse("dashboard:customer_detail", args=[small.pk]))
    assert queries(as_viewer, reverse("dashboard:customer_detail", args=[big.pk])) == one


def test_list_detail(as_editor, workspace, make_contacts):
    small = list_create(workspace_id=workspace.id, name="Small")
    big = list_create(workspace_id=workspace.id, name="Big")
    make_contacts(1, prefix="s", lists_add=[ListRef(public_id=small.public_id)])
    make_contacts(20, prefix="b", lists_add=[ListRef(public_id=big.public_id, status="pending")])
    one = queries(as_editor, reverse("dashboard:list_detail", args=[small.public_id]))
    assert queries(as_editor, reverse("dashboard:list_detail", args=[big.public_id])) == one
