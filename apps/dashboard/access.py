"""Who may see what: the current workspace of a signed-in user, and the role their membership gives them.

Every dashboard view is wrapped by `workspace_view(role=...)`. It resolves the workspace stored in the session
among the user's memberships (one query for all of them, which also feeds the switcher), answers a helpful
page to a user who belongs to no workspace, and 403 to a role below the one the view needs. Objects are then
always looked up *in that workspace* (`get_in_workspace`), so an id from another workspace is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from apps.core.errors import ApplicationError
from apps.ingest.records import IngestSource
from apps.workspaces.models import Membership, Role, Workspace
from apps.workspaces.selectors import memberships_for_user

SESSION_KEY = "dashboard_workspace_id"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class WorkspaceAccess:
    membership: Membership
    memberships: list[Membership]

    @property
    def workspace(self) -> Workspace:
        return self.membership.workspace

    @property
    def workspace_id(self) -> int:
        return self.membership.workspace_id

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def can_edit(self) -> bool:
        return self.membership.has_role(Role.EDITOR)

    @property
    def can_admin(self) -> bool:
        return self.membership.has_role(Role.ADMIN)


def access_resolve(request: HttpRequest) -> WorkspaceAccess | None:
    """The user's current workspace: the one in the session if they still belong to it, else their first."""
    memberships = list(memberships_for_user(user=request.user))  # type: ignore[arg-type]
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    current = next((m for m in memberships if m.workspace_id == wanted), memberships[0])
    if wanted != current.workspace_id:
        request.session[SESSION_KEY] = current.workspace_id
    return WorkspaceAccess(membership=current, memberships=memberships)


def workspace_switch(request: HttpRequest, *, public_id: str) -> Workspace:
    """Make one of the user's workspaces the current one; 404 for a workspace they do not belong to."""
    for membership in memberships_for_user(user=request.user):  # type: ignore[arg-type]
        if membership.workspace.public_id == public_id:
            request.session[SESSION_KEY] = membership.workspace_id
            return membership.workspace
    raise Http404("No such workspace.")


def forbidden(request: HttpRequest, access: WorkspaceAccess, needed: str) -> HttpResponse:
    return render(
        request,
        "dashboard/errors/403.html",
        {"access": access, "needed": Role(needed).label, "role": access.membership.get_role_display()},
        status=403,
    )


View = Callable[..., HttpResponseBase]


def workspace_view(role: str = Role.VIEWER) -> Callable[[View], View]:
    """Decorate a view `(request, access, *args)`: signed in, a member of a workspace, at least `role`."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            access = access_resolve(request)
            if access is None:
                status = 200 if request.method in ("GET", "HEAD") else 403
                return render(request, "dashboard/workspaces/no_workspace.html", status=status)
            if not access.membership.has_role(role):
                return forbidden(request, access, role)
            return view(request, access, *args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorate


def get_in_workspace(queryset: QuerySet[M], access: WorkspaceAccess, **lookup: Any) -> M:
    """The one object of `queryset` in the current workspace matching `lookup`, or 404 (never 403: another
    workspace's ids are not even confirmed to exist)."""
    obj = queryset.filter(workspace_id=access.workspace_id, **lookup).first()
    if obj is None:
        raise Http404("Not found in this workspace.")
    return obj


def render_page(
    request: HttpRequest,
    access: WorkspaceAccess,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a dashboard page: `access` feeds the navigation, the switcher and every role check."""
    return render(request, template, {"access": access, **(context or {})}, status=status)


def dashboard_source(request: HttpRequest) -> IngestSource:
    """Provenance of a write made in the dashboard: change history shows the user who made it."""
    return IngestSource(
        name="dashboard",
        user_id=request.user.pk,
        create_action="DASHBOARD_CREATE",
        update_action="DASHBOARD_UPDATE",
    )


def form_errors_from(form: Any, error: ApplicationError) -> None:
    """Show a service's error on the form: on the fields its details name, else above the form."""
    placed = False
    for detail in error.details:
        if detail.path in form.fields:
            form.add_error(detail.path, detail.message)
            placed = True
    if not placed:
        message = (
            error.message.split(": ", 1)[1] if ": " in error.message and error.details else error.message
        )
        form.add_error(None, message[:1].upper() + message[1:])
