"""CSV import: upload (streamed to disk), preview and column mapping, dry run, then the real run as a job.

The upload view sets its own upload handler, which must happen before anything reads the body; Django's CSRF
middleware reads it, so the view is exempt from the middleware and checks CSRF itself (`csrf_protect`) after
the handler is in place — the documented pattern for custom upload handlers. The role is checked before the
body is read, so a viewer's or a stranger's 100 MB never reaches the disk.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.forms.imports import CsvMappingForm, CsvUploadForm
from apps.dashboard.views.imports import job_or_404
from apps.imports.csv_files import (
    CsvFileError,
    CsvUpload,
    CsvUploadHandler,
    csv_max_bytes,
    csv_upload_get,
    csv_upload_store,
)
from apps.imports.csv_import import (
    IGNORE,
    csv_import_confirm,
    csv_import_start,
    csv_mapping_check,
    csv_mapping_suggest,
    csv_mapping_targets,
)
from apps.workspaces.models import Role

# The multipart envelope around the file (boundaries, the CSRF token field) on top of the file itself.
ENVELOPE_BYTES = 64 * 1024


def _too_large(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    context = {**_upload_context(CsvUploadForm()), "too_large": True}
    return render_page(request, access, "dashboard/csv_import/upload.html", context, status=413)


def _upload_context(form: CsvUploadForm) -> dict[str, Any]:
    return {"form": form, "max_bytes": csv_max_bytes()}


@csrf_protect
def _upload(request: HttpRequest, access: WorkspaceAccess, handler: CsvUploadHandler) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES)
    if handler.too_large:
        return _too_large(request, access)
    if form.is_valid():
        try:
            upload = csv_upload_store(
                workspace_public_id=access.workspace.public_id,
                upload=form.cleaned_data["file"],
                user_id=request.user.pk,
            )
        except CsvFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("dashboard:csv_map", token=upload.token)
    return render_page(request, access, "dashboard/csv_import/upload.html", _upload_context(form), status=400)


@csrf_exempt  # checked by `_upload` once the upload handler is installed (see the module docstring)
@workspace_view(Role.EDITOR)
def csv_upload(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    if request.method != "POST":
        return render_page(
            request, access, "dashboard/csv_import/upload.html", _upload_context(CsvUploadForm())
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > csv_max_bytes() + ENVELOPE_BYTES:
        # Refused before reading: the body is never parsed (nor the CSRF token, so nothing is done either).
        return _too_large(request, access)
    handler = CsvUploadHandler(request, max_bytes=csv_max_bytes())
    request.upload_handlers = [handler]
    return _upload(request, access, handler)


def upload_or_404(access: WorkspaceAccess, token: str) -> CsvUpload:
    upload = csv_upload_get(workspace_public_id=access.workspace.public_id, token=token)
    if upload is None:
        raise Http404("No such upload in this workspace (uploads are kept for their imports only).")
    return upload


@workspace_view(Role.EDITOR)
def csv_map(request: HttpRequest, access: WorkspaceAccess, token: str) -> HttpResponse:
    upload = upload_or_404(access, token)
    targets = csv_mapping_targets(workspace_id=access.workspace_id)
    suggested = csv_mapping_suggest(workspace_id=access.workspace_id, headers=upload.headers, targets=targets)
    form = CsvMappingForm(
        request.POST or None, headers=upload.headers, targets=targets, initial_mapping=suggested
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        errors = csv_mapping_check(mapping, headers=upload.headers, targets=targets)
        for error in errors:
            form.add_error(None, error)
        if not errors:
            dry_run = request.POST.get("action") != "import"
            try:
                job = csv_import_start(
                    workspace_id=access.workspace_id,
                    upload=upload,
                    mapping=mapping,
                    dry_run=dry_run,
                    user_id=request.user.pk,
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("dashboard:import_detail", public_id=job.public_id)
    columns = [
        (field, [row[n] if n < len(row) else "" for row in upload.preview])
        for n, field in enumerate(form.column_fields())
    ]
    context = {
        "upload": upload,
        "form": form,
        "columns": columns,
        "remembered": suggested.remembered,
        "mapped": sum(1 for c in suggested.columns if c != IGNORE),
    }
    status = 400 if form.errors else 200
    return render_page(request, access, "dashboard/csv_import/map.html", context, status=status)


@require_POST
@workspace_view(Role.EDITOR)
def import_confirm(request: HttpRequest, access: WorkspaceAccess, public_id: str) -> HttpResponse:
    """Run a finished CSV dry run for real."""
    dry_run = job_or_404(access, public_id)
    try:
        job = csv_import_confirm(job=dry_run, user_id=request.user.pk)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:import_detail", public_id=dry_run.public_id)
    return redirect("dashboard:import_detail", public_id=job.public_id)
