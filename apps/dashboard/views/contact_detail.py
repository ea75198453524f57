"""One contact: its page, the edit form (through the ingest), soft delete, GDPR erase and export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.attributes.models import AttributeDefinition, MetricDefinition
from apps.attributes.selectors import attribute_definitions_by_codename, metric_definitions
from apps.contacts.detail_selectors import (
    contact_changes,
    contact_consents,
    contact_for_page,
    contact_gdpr_export,
    contact_metric_rows,
)
from apps.contacts.models import Contact
from apps.contacts.services import contacts_erase, contacts_soft_delete
from apps.dashboard.access import WorkspaceAccess, dashboard_source, render_page, workspace_view
from apps.dashboard.charts import Chart, line_chart
from apps.dashboard.forms.contacts import ContactEditForm, EraseForm
from apps.ingest.records import ContactRecord, MatchPolicy, Outcome
from apps.ingest.services import contacts_ingest
from apps.workspaces.models import Role


def contact_or_404(access: WorkspaceAccess, public_id: str) -> Contact:
    contact = contact_for_page(workspace_id=access.workspace_id, public_id=public_id)
    if contact is None:
        raise Http404("No such contact in this workspace.")
    return contact


@dataclass
class AttributeRow:
    codename: str
    label: str
    type: str
    value: Any
    archived: bool
    known: bool


@dataclass
class MetricSeries:
    codename: str
    label: str
    type: str
    points: list[tuple[dt.date, Any]]
    chart: Chart | None


def attribute_rows(
    attributes: dict[str, Any], definitions: dict[str, AttributeDefinition]
) -> list[AttributeRow]:
    rows = []
    for codename in sorted(
        attributes, key=lambda c: (definitions[c].label if c in definitions else c).lower()
    ):
        d = definitions.get(codename)
        rows.append(
            AttributeRow(
                codename,
                d.label if d else codename,
                d.get_type_display() if d else "Unknown",
                attributes[codename],
                bool(d and d.archived),
                d is not None,
            )
        )
    return rows


def metric_series(rows: list[Any], definitions: list[MetricDefinition]) -> list[MetricSeries]:
    """One series per metric that has values, charted when numeric (rows are oldest first)."""
    by_codename = {d.codename: d for d in definitions}
    points: dict[str, list[tuple[dt.date, Any]]] = {}
    for row in rows:
        for codename, value in (row.values or {}).items():
            points.setdefault(codename, []).append((row.date, value))
    series = []
    for codename in sorted(points, key=lambda c: (by_codename[c].label if c in by_codename else c).lower()):
        d = by_codename.get(codename)
        values = points[codename]
        numeric = [(date, v) for date, v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        chart = line_chart(numeric, title=d.label if d else codename) if len(numeric) == len(values) else None
        series.append(MetricSeries(codename, d.label if d else codename, d.type if d else "", values, chart))
    return series


@workspace_view()
def contact_detail(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact = contact_or_404(access, public_id)
    ws = access.workspace_id
    context = {
        "contact": contact,
        "attributes": attribute_rows(
            contact.attributes or {}, attribute_definitions_by_codename(workspace_id=ws)
        ),
        "metrics": metric_series(
            contact_metric_rows(workspace_id=ws, contact_id=contact.pk),
            list(metric_definitions(workspace_id=ws)),
        ),
        "memberships": list(contact.list_memberships.all()),
        "subscriptions": list(contact.subscriptions.all()),
        "tags": list(contact.tags.all()),
        "consents": list(contact_consents(workspace_id=ws, contact_id=contact.pk)),
        "changes": contact_changes(workspace_id=ws, contact_id=contact.pk),
    }
    return render_page(request, access, "dashboard/contacts/detail.html", context)


EDIT_POLICY = MatchPolicy(
    keys=("pk",), mode="update_only", restore_deleted=False, invalid_values="reject", unknown_keys="reject"
)


def _save(request: HttpRequest, access: WorkspaceAccess, contact: Contact, form: ContactEditForm) -> bool:
    """Send the changed inputs to the ingest; its errors land on the form. True when saved."""
    fields, attributes, customer, clear_customer = form.record_parts()
    record = ContactRecord(
        pk=contact.pk,
        fields=fields,
        attributes=attributes,
        customer_external_id=customer,
        clear_customer=clear_customer,
        text_values=True,
    )
    report = contacts_ingest(
        workspace_id=access.workspace_id,
        records=[record],
        policy=EDIT_POLICY,
        source=dashboard_source(request),
    )
    result = report.results[0]
    if result.outcome in (Outcome.UPDATED, Outcome.UNCHANGED):
        for warning in result.warnings:
            messages.warning(request, warning.message)
        return True
    form.add_issues(result.errors)
    if not form.errors:
        form.add_error(None, "The contact could not be saved.")
    return False


@workspace_view(Role.EDITOR)
def contact_edit(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact = contact_or_404(access, public_id)
    if contact.deleted_at is not None:
        messages.error(request, "This contact is deleted; it cannot be edited.")
        return redirect("dashboard:contact_detail", public_id=contact.public_id)
    definitions = sorted(
        attribute_definitions_by_codename(workspace_id=access.workspace_id).values(),
        key=lambda d: d.label.lower(),
    )
    form = ContactEditForm(request.POST or None, contact=contact, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return redirect("dashboard:contact_detail", public_id=contact.public_id)
        if _save(request, access, contact, form):
            messages.success(request, "Contact saved.")
            return redirect("dashboard:contact_detail", public_id=contact.public_id)
    status = 400 if form.errors else 200
    return render_page(
        request, access, "dashboard/contacts/edit.html", {"contact": contact, "form": form}, status=status
    )


@workspace_view(Role.ADMIN)
@require_POST
def contact_delete(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact = contact_or_404(access, public_id)
    deleted = contacts_soft_delete(
        workspace_id=access.workspace_id, contact_ids=[contact.pk], source=dashboard_source(request)
    )
    if deleted:
        messages.success(request, f"{contact} was deleted. An admin can still erase it for good.")
    return redirect("dashboard:contact_detail", public_id=contact.public_id)


@workspace_view(Role.ADMIN)
def contact_erase(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    contact = contact_or_404(access, public_id)
    form = EraseForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        contacts_erase(workspace_id=access.workspace_id, contact_ids=[contact.pk])
        messages.success(request, f"Contact {contact.public_id} and everything about it were erased.")
        return redirect("dashboard:contacts")
    status = 400 if form.errors else 200
    return render_page(
        request, access, "dashboard/contacts/erase.html", {"contact": contact, "form": form}, status=status
    )


@workspace_view()
def contact_export(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    """GDPR export: everything stored about the contact, as a JSON download."""
    contact = contact_or_404(access, public_id)
    data = contact_gdpr_export(workspace_id=access.workspace_id, contact_id=contact.pk)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.public_id}.json"'
    response["Cache-Control"] = "no-store"
    return response
