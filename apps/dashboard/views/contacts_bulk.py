"""Bulk actions on contacts (a selection, or all that match the filter), confirmed with a count."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.contacts.filters import contact_ids_iter, contacts_filter
from apps.contacts.models import Channel, Contact
from apps.contacts.selectors import contact_queryset
from apps.contacts.services import BulkChange, contacts_bulk_change, contacts_bulk_soft_delete
from apps.dashboard.access import WorkspaceAccess, dashboard_source, forbidden, render_page, workspace_view
from apps.dashboard.forms.contacts import ADMIN_BULK_ACTIONS, BulkActionForm
from apps.ingest.records import ListRef
from apps.lists.selectors import list_queryset
from apps.workspaces.models import Role


def _describe(action: str, data: dict[str, Any], list_names: dict[str, str]) -> tuple[str, str, str]:
    """(what will happen, what happened, button label) of an action; {n} is the number of contacts."""
    list_name = list_names.get(data.get("list") or "", "")
    tag = (data.get("tag") or "").strip()
    channel = Channel(data["channel"]).label if data.get("channel") else ""
    return {
        "add_to_list": (
            f"Add {{n}} to the list “{list_name}”.",
            f"Added {{n}} to the list “{list_name}”.",
            "Add to list",
        ),
        "remove_from_list": (
            f"Remove {{n}} from the list “{list_name}”.",
            f"Removed {{n}} from the list “{list_name}”.",
            "Remove from list",
        ),
        "tag": (f"Tag {{n}} with “{tag}”.", f"Tagged {{n}} with “{tag}”.", "Add tag"),
        "untag": (
            f"Remove the tag “{tag}” from {{n}}.",
            f"Removed the tag “{tag}” from {{n}}.",
            "Remove tag",
        ),
        "unsubscribe": (
            f"Unsubscribe {{n}} from {channel}.",
            f"Unsubscribed {{n}} from {channel}.",
            "Unsubscribe",
        ),
        "delete": ("Delete {n}.", "Deleted {n}.", "Delete contacts"),
    }[action]


def _contacts(n: int) -> str:
    return f"{n:,} {'contact' if n == 1 else 'contacts'}"


def _contacts_url(filter_query: str) -> str:
    url = reverse("dashboard:contacts")
    return f"{url}?{filter_query}" if filter_query else url


@workspace_view(Role.EDITOR)
@require_POST
def contacts_bulk(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    lists = {cl.public_id: cl.name for cl in list_queryset(workspace_id=access.workspace_id)}
    form = BulkActionForm(request.POST, lists=list(lists.items()))
    if not form.is_valid():
        context = {"form": form, "back": _contacts_url(request.POST.get("filter", ""))}
        return render_page(request, access, "dashboard/contacts/bulk_confirm.html", context, status=400)
    data = form.cleaned_data
    action = data["action"]
    if action in ADMIN_BULK_ACTIONS and not access.can_admin:
        return forbidden(request, access, Role.ADMIN)
    back = _contacts_url(data["filter"])

    queryset: QuerySet[Contact]
    if data["scope"] == "all":
        filterset = contacts_filter(workspace_id=access.workspace_id, data=QueryDict(data["filter"]))
        if not filterset.is_valid():
            messages.error(request, "The filter is not valid any more; nothing was changed.")
            return redirect(back)
        queryset = filterset.qs
    else:
        queryset = contact_queryset(workspace_id=access.workspace_id).filter(id__in=data["ids"])

    will, did, button = _describe(action, data, lists)
    if request.POST.get("confirm") != "yes":
        count = queryset.count()
        context = {
            "form": form,
            "count": count,
            "summary": will.format(n=_contacts(count)),
            "button": button,
            "back": back,
            "danger": action == "delete",
        }
        return render_page(request, access, "dashboard/contacts/bulk_confirm.html", context)

    ids = contact_ids_iter(queryset=queryset)
    source = dashboard_source(request)
    if action == "delete":
        deleted = contacts_bulk_soft_delete(workspace_id=access.workspace_id, contact_ids=ids, source=source)
        messages.success(request, did.format(n=_contacts(deleted)))
        return redirect(back)
    ref = (ListRef(public_id=data["list"]),) if data.get("list") else ()
    tag = (data.get("tag") or "").strip()
    change = {
        "add_to_list": BulkChange(lists_add=ref),
        "remove_from_list": BulkChange(lists_remove=ref),
        "tag": BulkChange(tags_add=(tag,)),
        "untag": BulkChange(tags_remove=(tag,)),
        "unsubscribe": BulkChange(unsubscribe_channel=data.get("channel")),
    }[action]
    outcome = contacts_bulk_change(
        workspace_id=access.workspace_id, contact_ids=ids, change=change, source=source
    )
    text = did.format(n=_contacts(outcome.changed))
    if outcome.unchanged:
        text += f" {_contacts(outcome.unchanged)} already were."
    if outcome.skipped:
        text += f" {_contacts(outcome.skipped)} could not be changed."
    messages.success(request, text)
    return redirect(back)
