from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.dashboard.access import workspace_switch


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's workspaces the current one (404 for one they do not belong to). Objects
    on the page they came from belong to the old workspace, so they land on the new one's overview."""
    workspace = workspace_switch(request, public_id=request.POST.get("workspace", ""))
    messages.success(request, f"Switched to {workspace.name}.")
    return redirect("dashboard:overview")
