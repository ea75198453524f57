"""Metric definitions: list with usage counts, create, edit label/description, change type, archive."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.attributes.models import MetricDefinition
from apps.attributes.selectors import metric_definition_get, metric_definitions, metric_value_counts
from apps.attributes.services import (
    metric_definition_archive,
    metric_definition_change_type,
    metric_definition_create,
    metric_definition_unarchive,
    metric_definition_update,
)
from apps.core.errors import ApplicationError
from apps.dashboard.access import WorkspaceAccess, form_errors_from, render_page, workspace_view
from apps.dashboard.forms.definitions import MetricCreateForm, MetricEditForm, MetricTypeForm
from apps.workspaces.models import Role


def metric_or_404(access: WorkspaceAccess, pk: int) -> MetricDefinition:
    definition = metric_definition_get(workspace_id=access.workspace_id, pk=pk)
    if definition is None:
        raise Http404("No such metric in this workspace.")
    return definition


@workspace_view()
def metrics(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    definitions = list(metric_definitions(workspace_id=access.workspace_id))
    with_counts = request.GET.get("counts") == "1"
    counts = (
        metric_value_counts(workspace_id=access.workspace_id, definitions=definitions)
        if with_counts
        else None
    )
    context = {"definitions": definitions, "counts": counts}
    if request.htmx and with_counts:  # type: ignore[attr-defined]
        return render_page(request, access, "dashboard/metrics/_table.html", context)
    return render_page(request, access, "dashboard/metrics/list.html", context)


@workspace_view(Role.EDITOR)
def metric_create(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = MetricCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            definition = metric_definition_create(
                workspace=access.workspace,
                codename=data["codename"],
                type=data["type"],
                label=data["label"],
                description=data["description"],
            )
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Metric “{definition.label}” created.")
            return redirect("dashboard:metrics")
    status = 400 if form.errors else 200
    return render_page(request, access, "dashboard/metrics/create.html", {"form": form}, status=status)


@workspace_view(Role.EDITOR)
def metric_edit(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = metric_or_404(access, pk)
    initial = {"label": definition.label, "description": definition.description}
    form = MetricEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            metric_definition_update(
                definition=definition,
                label=form.cleaned_data["label"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Metric “{definition.label}” saved.")
            return redirect("dashboard:metrics")
    status = 400 if form.errors else 200
    context = {"form": form, "definition": definition}
    return render_page(request, access, "dashboard/metrics/edit.html", context, status=status)


@workspace_view(Role.ADMIN)
def metric_type(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = metric_or_404(access, pk)
    form = MetricTypeForm(request.POST or None, initial={"type": definition.type})
    refusal: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            converted = metric_definition_change_type(
                definition=definition, type=form.cleaned_data["type"], user_id=request.user.pk
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
            return redirect("dashboard:metrics")
    status = 409 if refusal else 400 if form.errors else 200
    context = {"form": form, "definition": definition, "refusal": refusal}
    return render_page(request, access, "dashboard/metrics/type.html", context, status=status)


@workspace_view(Role.ADMIN)
@require_POST
def metric_archive(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    definition = metric_or_404(access, pk)
    if request.POST.get("archived") == "0":
        metric_definition_unarchive(definition=definition)
        messages.success(request, f"“{definition.label}” is active again.")
    else:
        metric_definition_archive(definition=definition)
        messages.success(
            request, f"“{definition.label}” is archived: new values are dropped; stored values are kept."
        )
    return redirect("dashboard:metrics")
