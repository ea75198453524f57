"""Attribute definitions: list with usage counts, create, edit label/description/choices, change type,
archive. Built-in attributes are listed, marked and locked."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.attributes.models import AttributeDefinition
from apps.attributes.selectors import attribute_definition_get, attribute_definitions, attribute_value_counts
from apps.attributes.services import (
    attribute_definition_archive,
    attribute_definition_change_type,
    attribute_definition_create,
    attribute_definition_unarchive,
    attribute_definition_update,
)
from apps.core.errors import ApplicationError
from apps.dashboard.access import WorkspaceAccess, form_errors_from, render_page, workspace_view
from apps.dashboard.forms.definitions import (
    AttributeCreateForm,
    AttributeEditForm,
    AttributeTypeForm,
    choices_from_text,
)
from apps.workspaces.models import Role


def definition_or_404(access: WorkspaceAccess, pk: int) -> AttributeDefinition:
    definition = attribute_definition_get(workspace_id=access.workspace_id, pk=pk)
    if definition is None:
        raise Http404("No such attribute in this workspace.")
    return definition


def _locked(request: HttpRequest, definition: AttributeDefinition) -> HttpResponse:
    messages.error(
        request, f"“{definition.label}” is built in: it maps to a contact field and cannot be changed."
    )
    return redirect("dashboard:attributes")


@workspace_view()
def attributes(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    definitions = list(attribute_definitions(workspace_id=access.workspace_id))
    # Counting values scans the contacts once; the page shows without them and htmx loads them after.
    with_counts = request.GET.get("counts") == "1"
    counts = (
        attribute_value_counts(workspace_id=access.workspace_id, definitions=definitions)
        if with_counts
        else None
    )
    context = {"definitions": definitions, "counts": counts}
    if request.htmx and with_counts:  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/attributes/_table.html", context)
    return render_page(request, access, "dashboard/attributes/list.html", context)


@workspace_view(Role.EDITOR)
def attribute_create(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = AttributeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            definition = attribute_definition_create(
                workspace=access.workspace,
                codename=data["codename"],
                type=data["type"],
                label=data["label"],
                description=data["description"],
                choices=choices_from_text(data["choices"]),
            )
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Attribute “{definition.label}” created.")
            return redirect("dashboard:attributes")
    status = 400 if form.errors else 200
    return render_page(request, access, "dashboard/attributes/create.html", {"form": form}, status=status)


@workspace_view(Role.EDITOR)
def attribute_edit(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = definition_or_404(access, pk)
    if definition.builtin:
        return _locked(request, definition)
    initial = {
        "label": definition.label,
        "description": definition.description,
        "choices": definition.choices,
    }
    form = AttributeEditForm(request.POST or None, initial=initial, is_choice=definition.type == "choice")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attribute_definition_update(
                definition=definition,
                label=data["label"],
                description=data["description"],
                choices=choices_from_text(data["choices"]) if "choices" in data else None,
            )
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Attribute “{definition.label}” saved.")
            return redirect("dashboard:attributes")
    status = 400 if form.errors else 200
    context = {"form": form, "definition": definition}
    return render_page(request, access, "dashboard/attributes/edit.html", context, status=status)


@workspace_view(Role.ADMIN)
def attribute_type(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = definition_or_404(access, pk)
    if definition.builtin:
        return _locked(request, definition)
    form = AttributeTypeForm(
        request.POST or None, initial={"type": definition.type, "choices": definition.choices}
    )
    refusal: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        new_type = form.cleaned_data["type"]
        try:
            converted = attribute_definition_change_type(
                definition=definition,
                type=new_type,
                choices=choices_from_text(form.cleaned_data["choices"]),
                user_id=request.user.pk,
            )
        except ApplicationError as exc:
            if exc.code == "values_not_convertible":
                refusal = exc
            else:
                form_errors_from(form, exc)
        else:
            definition.refresh_from_db()
            messages.success(
                request,
                f"“{definition.label}” is now {definition.get_type_display()}; "
                f"{converted:,} stored {'value was' if converted == 1 else 'values were'} converted.",
            )
            return redirect("dashboard:attributes")
    status = 409 if refusal else 400 if form.errors else 200
    context = {"form": form, "definition": definition, "refusal": refusal}
    return render_page(request, access, "dashboard/attributes/type.html", context, status=status)


@workspace_view(Role.ADMIN)
@require_POST
def attribute_archive(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = definition_or_404(access, pk)
    if definition.builtin:
        return _locked(request, definition)
    if request.POST.get("archived") == "0":
        attribute_definition_unarchive(definition=definition)
        messages.success(request, f"“{definition.label}” is active again.")
    else:
        attribute_definition_archive(definition=definition)
        messages.success(
            request, f"“{definition.label}” is archived: new values are dropped; stored values are kept."
        )
    return redirect("dashboard:attributes")
