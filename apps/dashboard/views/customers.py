"""Customers (companies): a searchable list by name, and a page with their contacts and metrics."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from apps.attributes.selectors import attribute_definitions_by_codename, metric_definitions
from apps.contacts.customer_selectors import customer_contacts, customer_metric_rows, customers_queryset
from apps.contacts.models import Customer
from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.keyset import SortKey, keyset_page
from apps.dashboard.views.contact_detail import attribute_rows, metric_series

PAGE_SIZE = 50
SORTS = {
    "name": [SortKey("name"), SortKey("id")],
    "-name": [SortKey("name", True), SortKey("id", True)],
    "created": [SortKey("created_at"), SortKey("id")],
    "-created": [SortKey("created_at", True), SortKey("id", True)],
}


def customer_or_404(access: WorkspaceAccess, pk: int) -> Customer:
    customer = customers_queryset(workspace_id=access.workspace_id).filter(pk=pk).first()
    if customer is None:
        raise Http404("No such customer in this workspace.")
    return customer


@workspace_view()
def customers(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    search = request.GET.get("q", "")
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    page = keyset_page(
        customers_queryset(workspace_id=access.workspace_id, search=search),
        keys=SORTS[sort],
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    context = {"page": page, "q": search, "sort": sort}
    if request.htmx and request.htmx.target == "customer-results":  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/customers/_results.html", context)
    return render_page(request, access, "dashboard/customers/list.html", context)


@workspace_view()
def customer_detail(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    customer = customer_or_404(access, pk)
    ws = access.workspace_id
    context = {
        "customer": customer,
        "attributes": attribute_rows(
            customer.attributes or {}, attribute_definitions_by_codename(workspace_id=ws)
        ),
        "metrics": metric_series(
            customer_metric_rows(workspace_id=ws, customer_id=customer.pk),
            list(metric_definitions(workspace_id=ws)),
        ),
        "contacts": customer_contacts(workspace_id=ws, customer_id=customer.pk),
    }
    return render_page(request, access, "dashboard/customers/detail.html", context)
