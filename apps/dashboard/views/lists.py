"""Lists: create, rename, delete; members with search, status and counts; add (by search, pasted emails or
external ids, or from a contacts filter) and remove — every membership change goes through the ingest."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.dashboard.access import (
    WorkspaceAccess,
    dashboard_source,
    form_errors_from,
    render_page,
    workspace_view,
)
from apps.dashboard.forms.lists import ListForm, MemberIdsForm, PasteMembersForm
from apps.dashboard.keyset import SortKey, keyset_page
from apps.lists.models import ContactList, MembershipStatus
from apps.lists.selectors import (
    list_candidates,
    list_get,
    list_members_queryset,
    list_name_taken,
    list_queryset,
    list_status_counts,
)
from apps.lists.services import (
    MembersChange,
    list_create,
    list_delete,
    list_members_add,
    list_members_remove,
    list_rename,
)
from apps.workspaces.models import Role

PAGE_SIZE = 50
NOT_FOUND_SHOWN = 10


def list_or_404(access: WorkspaceAccess, public_id: str) -> ContactList:
    contact_list = list_get(workspace_id=access.workspace_id, public_id=public_id)
    if contact_list is None:
        raise Http404("No such list in this workspace.")
    return contact_list


@workspace_view()
def lists(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    all_lists = list(list_queryset(workspace_id=access.workspace_id).order_by("name"))
    counts = list_status_counts(workspace_id=access.workspace_id, list_ids=[cl.pk for cl in all_lists])
    rows = [(cl, counts[cl.pk], sum(counts[cl.pk].values())) for cl in all_lists]
    context = {"rows": rows, "form": ListForm(), "statuses": MembershipStatus}
    return render_page(request, access, "dashboard/lists/index.html", context)


@workspace_view(Role.EDITOR)
def list_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_list = list_create(
                workspace_id=access.workspace_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"List “{contact_list.name}” created.")
            return redirect("dashboard:list_detail", public_id=contact_list.public_id)
    status = 400 if form.errors else 200
    return render_page(request, access, "dashboard/lists/new.html", {"form": form}, status=status)


@workspace_view()
def list_detail(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact_list = list_or_404(access, public_id)
    search = request.GET.get("q", "")
    status = request.GET.get("status", "")
    if status not in MembershipStatus.values:
        status = ""
    page = keyset_page(
        list_members_queryset(contact_list=contact_list, search=search, status=status),
        keys=[SortKey("id", True)],
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    counts = list_status_counts(workspace_id=access.workspace_id, list_ids=[contact_list.pk])[contact_list.pk]
    context = {
        "list": contact_list,
        "page": page,
        "q": search,
        "status": status,
        "statuses": MembershipStatus.choices,
        "counts": [(value, label, counts.get(value, 0)) for value, label in MembershipStatus.choices],
        "total": sum(counts.values()),
        "paste_form": PasteMembersForm(),
    }
    if request.htmx and request.htmx.target == "members":  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/lists/_members.html", context)
    return render_page(request, access, "dashboard/lists/detail.html", context)


@workspace_view(Role.EDITOR)
def list_edit(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact_list = list_or_404(access, public_id)
    initial = {"name": contact_list.name, "description": contact_list.description}
    form = ListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        # list_rename does not check for a clash; the live-name constraint would raise instead.
        if list_name_taken(workspace_id=access.workspace_id, name=name, exclude_id=contact_list.pk):
            form.add_error("name", "A list with this name already exists.")
        else:
            list_rename(contact_list=contact_list, name=name, description=form.cleaned_data["description"])
            messages.success(request, f"List renamed to “{contact_list.name}”.")
            return redirect("dashboard:list_detail", public_id=contact_list.public_id)
    status = 400 if form.errors else 200
    return render_page(
        request, access, "dashboard/lists/edit.html", {"form": form, "list": contact_list}, status=status
    )


@workspace_view(Role.ADMIN)
def list_remove(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact_list = list_or_404(access, public_id)
    if request.method == "POST":
        list_delete(contact_list=contact_list)
        messages.success(request, f"List “{contact_list.name}” deleted.")
        return redirect("dashboard:lists")
    counts = list_status_counts(workspace_id=access.workspace_id, list_ids=[contact_list.pk])[contact_list.pk]
    context = {"list": contact_list, "total": sum(counts.values())}
    return render_page(request, access, "dashboard/lists/delete.html", context)


def _report(request: HttpRequest, verb: str, change: MembersChange) -> None:
    text = f"{verb} {change.changed:,} {'contact' if change.changed == 1 else 'contacts'}."
    if change.unchanged:
        text += f" {change.unchanged:,} already {'was' if change.unchanged == 1 else 'were'}."
    messages.success(request, text)
    if change.not_found:
        shown = ", ".join(v for v in change.not_found[:NOT_FOUND_SHOWN] if v)
        more = len(change.not_found) - NOT_FOUND_SHOWN
        suffix = f" and {more:,} more" if more > 0 else ""
        messages.warning(request, f"{len(change.not_found):,} not found: {shown}{suffix}.")


@workspace_view(Role.EDITOR)
@require_POST
def list_members_add_view(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact_list = list_or_404(access, public_id)
    source = dashboard_source(request)
    if request.POST.get("mode") == "paste":
        paste = PasteMembersForm(request.POST)
        if not paste.is_valid():
            for error in paste.errors.values():
                messages.error(request, " ".join(str(e) for e in error))
            return redirect("dashboard:list_detail", public_id=contact_list.public_id)
        values = paste.cleaned_data["values"]
        key = paste.cleaned_data["key"]
        change = list_members_add(
            workspace_id=access.workspace_id,
            contact_list=contact_list,
            source=source,
            emails=values if key == "email" else (),
            external_ids=values if key == "external_id" else (),
            status=paste.cleaned_data["status"],
        )
    else:
        picked = MemberIdsForm(request.POST)
        if not picked.is_valid():
            messages.error(request, "Select at least one contact to add.")
            return redirect("dashboard:list_detail", public_id=contact_list.public_id)
        change = list_members_add(
            workspace_id=access.workspace_id,
            contact_list=contact_list,
            source=source,
            contact_ids=picked.cleaned_data["ids"],
            status=picked.cleaned_data["status"] or MembershipStatus.SUBSCRIBED,
        )
    _report(request, "Added", change)
    return redirect("dashboard:list_detail", public_id=contact_list.public_id)


@workspace_view(Role.EDITOR)
@require_POST
def list_members_remove_view(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact_list = list_or_404(access, public_id)
    picked = MemberIdsForm(request.POST)
    if not picked.is_valid():
        messages.error(request, "Select at least one member to remove.")
    else:
        change = list_members_remove(
            workspace_id=access.workspace_id,
            contact_list=contact_list,
            contact_ids=picked.cleaned_data["ids"],
            source=dashboard_source(request),
        )
        change.unchanged = 0  # contacts that were not members: nothing to say
        change.not_found = []
        _report(request, "Removed", change)
    return redirect("dashboard:list_detail", public_id=contact_list.public_id)


@workspace_view(Role.EDITOR)
def list_candidates_view(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    """Contacts to add, found by a search (an htmx fragment under the search box)."""
    contact_list = list_or_404(access, public_id)
    search = request.GET.get("q", "")
    context = {
        "list": contact_list,
        "q": search,
        "candidates": list_candidates(contact_list=contact_list, search=search),
    }
    return render_page(request, access, "dashboard/lists/_candidates.html", context)
