"""API keys and the webhook signing secret (admins only). A new key is shown once, in the answer to the POST
that created it, never stored in plain text nor kept in the session; secrets are sent with `no-store`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from apps.dashboard.access import WorkspaceAccess, render_page, workspace_view
from apps.dashboard.forms.imports import ApiKeyForm
from apps.workspaces.models import ApiKey, Role
from apps.workspaces.selectors import api_key_list
from apps.workspaces.services import api_key_create, api_key_revoke, workspace_signing_secret_rotate


def _keys_page(
    request: HttpRequest, access: WorkspaceAccess, form: ApiKeyForm, *, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"keys": api_key_list(workspace=access.workspace).select_related("created_by"), "form": form}
    return render_page(request, access, "dashboard/api_keys/index.html", {**context, **extra}, status=status)


@never_cache
@workspace_view(Role.ADMIN)
def api_keys(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    if request.method != "POST":
        return _keys_page(request, access, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, access, form, status=400)
    issued = api_key_create(
        workspace=access.workspace,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        created_by=request.user,  # type: ignore[arg-type]
    )
    return _keys_page(request, access, ApiKeyForm(), issued=issued)


def key_or_404(access: WorkspaceAccess, pk: int) -> ApiKey:
    api_key = api_key_list(workspace=access.workspace).filter(pk=pk).first()
    if api_key is None:
        raise Http404("No such API key in this workspace.")
    return api_key


@workspace_view(Role.ADMIN)
def api_key_revoke_view(request: HttpRequest, access: WorkspaceAccess, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    api_key = key_or_404(access, pk)
    if request.method == "POST":
        api_key_revoke(api_key=api_key)
        messages.success(request, f"API key “{api_key.name}” revoked; requests with it now get 401.")
        return redirect("dashboard:api_keys")
    return render_page(request, access, "dashboard/api_keys/revoke.html", {"key": api_key})


@never_cache
@workspace_view(Role.ADMIN)
def signing_secret_reveal(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """GET asks for confirmation; POST shows the secret."""
    revealed = request.method == "POST"
    return render_page(
        request, access, "dashboard/api_keys/secret.html", {"revealed": revealed, "action": "reveal"}
    )


@never_cache
@workspace_view(Role.ADMIN)
def signing_secret_rotate(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """GET asks for confirmation; POST rotates and shows the new secret."""
    if request.method == "POST":
        workspace_signing_secret_rotate(workspace=access.workspace)
        messages.success(request, "New signing secret: webhooks are signed with it from now on.")
        return render_page(
            request, access, "dashboard/api_keys/secret.html", {"revealed": True, "action": "rotate"}
        )
    return render_page(
        request, access, "dashboard/api_keys/secret.html", {"revealed": False, "action": "rotate"}
    )
