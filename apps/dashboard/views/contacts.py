"""The contacts list: search, filters, sortable columns, keyset pages, the bulk toolbar, CSV export."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from apps.contacts.filters import ContactFilter, contacts_filter
from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.exports import contacts_csv
from apps.dashboard.forms.contacts import ADMIN_BULK_ACTIONS, BULK_ACTIONS, BulkActionForm
from apps.dashboard.keyset import Page, SortKey, keyset_page
from apps.lists.selectors import list_get

PAGE_SIZE = 50


def _keys(*fields: tuple[str, bool], descending: bool) -> list[SortKey]:
    return [*(SortKey(f, descending, nullable) for f, nullable in fields), SortKey("id", descending)]


SORTS: dict[str, list[SortKey]] = {}
for _name, _fields in {
    "created": (("created_at", False),),
    "updated": (("updated_at", False),),
    "email": (("email", True),),
    "name": (("last_name", True), ("first_name", True)),
}.items():
    SORTS[_name] = _keys(*_fields, descending=False)
    SORTS[f"-{_name}"] = _keys(*_fields, descending=True)
DEFAULT_SORT = "-created"
COLUMNS = (("name", "Name"), ("email", "Email"), ("created", "Created"), ("updated", "Updated"))


@dataclass(frozen=True)
class Column:
    """A sortable column header: where clicking it leads, and its aria-sort state."""

    key: str
    label: str
    next_sort: str
    aria_sort: str


def sortable_columns(sort: str) -> dict[str, Column]:
    columns = {}
    for key, label in COLUMNS:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        next_sort = f"-{key}" if sort == key else key
        columns[key] = Column(key, label, next_sort, state)
    return columns


def filter_for(request: HttpRequest, access: WorkspaceAccess) -> ContactFilter:
    return contacts_filter(workspace_id=access.workspace_id, data=request.GET)


@workspace_view()
def contacts(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    filterset = filter_for(request, access)
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    page: Page | None = None
    if filterset.is_valid():
        page = keyset_page(
            filterset.qs.select_related("customer"),
            keys=SORTS[sort],
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
        )
    target_list = None
    if request.GET.get("target_list"):
        target_list = list_get(workspace_id=access.workspace_id, public_id=request.GET["target_list"])
    filter_query = request.GET.copy()
    for name in ("cursor", "sort", "target_list"):
        filter_query.pop(name, None)
    actions = [(v, label) for v, label in BULK_ACTIONS if access.can_admin or v not in ADMIN_BULK_ACTIONS]
    bulk_form = BulkActionForm(
        initial={
            "filter": filter_query.urlencode(),
            "action": "add_to_list" if target_list else "",
            "list": target_list.public_id if target_list else "",
            "scope": "all" if target_list else "selected",
        },
        lists=[(cl.public_id, cl.name) for cl in filterset.lists.values()],
        auto_id="bulk_%s",  # the filter form above has fields of the same names
    )
    bulk_form.fields["action"].choices = actions  # type: ignore[attr-defined]
    context = {
        "filter": filterset,
        "page": page,
        "sort": sort,
        "columns": sortable_columns(sort),
        "filter_query": filter_query.urlencode(),
        "bulk_form": bulk_form,
        "target_list": target_list,
    }
    if request.htmx and request.htmx.target == "contact-results":  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/contacts/_results.html", context)
    return render_page(request, access, "dashboard/contacts/list.html", context)


@workspace_view()
def contacts_count(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """How many contacts match the filter: one COUNT, only when asked for (pages never count)."""
    filterset = filter_for(request, access)
    count = filterset.qs.count() if filterset.is_valid() else None
    return render_page(request, access, "dashboard/contacts/_count.html", {"count": count})


@workspace_view()
def contacts_export(request: HttpRequest, access: WorkspaceAccess) -> HttpResponseBase:
    filterset = filter_for(request, access)
    if not filterset.is_valid():
        return render_page(
            request, access, "dashboard/contacts/list.html", {"filter": filterset, "page": None}, status=400
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        contacts_csv(filterset.qs, list(filterset.definitions.values())),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
