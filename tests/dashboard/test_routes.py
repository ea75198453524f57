"""Every dashboard route at once: it goes through the access helper, refuses lower roles with 403, refuses
POSTs without a CSRF token, and 404s for objects of another workspace."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from apps.attributes.services import attribute_definition_create, metric_definition_create
from apps.contacts.models import Customer
from apps.ingest.records import ContactRecord
from apps.lists.services import list_create
from apps.workspaces.models import ROLE_RANK, Role
from tests.dashboard.conftest import ingest, signed_in


def dashboard_routes() -> list[URLPattern]:
    resolver = get_resolver()
    (included,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "dashboard"]
    return list(included.url_patterns)


# The pages of this part of the dashboard (the import, CSV and API key pages have their own tests).
AREAS = ("", "workspace/", "contacts/", "customers/", "attributes/", "metrics/", "lists/")
ROUTES = {
    p.name: p
    for p in dashboard_routes()
    if any(str(p.pattern).startswith(a) for a in AREAS if a) or str(p.pattern) == ""
}


def objects_of(ws) -> dict[str, object]:
    contact = ingest(ws, ContactRecord(fields={"email": f"r@{ws.public_id}.test"}))[0]
    return {
        "contact": contact.public_id,
        "list": list_create(workspace_id=ws.id, name="R").public_id,
        "attribute": attribute_definition_create(workspace=ws, codename="r").pk,
        "metric": metric_definition_create(workspace=ws, codename="r").pk,
        "customer": Customer.objects.create(workspace=ws, external_id="r", name="R").pk,
    }


def args_for(name: str, objects: dict[str, object]) -> list[object]:
    pattern = str(ROUTES[name].pattern)
    if "<" not in pattern:
        return []
    kind = next(k for k in ("contact", "list", "attribute", "metric", "customer") if pattern.startswith(k))
    return [objects[kind]]


def test_every_route_goes_through_the_access_helper():
    unguarded = [n for n, p in ROUTES.items() if not hasattr(p.callback, "required_role")]
    assert unguarded == ["workspace_switch"]  # signed-in only: it checks the membership itself


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n != "workspace_switch"))
def test_lower_roles_get_403(name, workspace, viewer_user, editor_user):
    needed = ROUTES[name].callback.required_role
    objects = objects_of(workspace)
    url = reverse(f"dashboard:{name}", args=args_for(name, objects))
    for user, role in ((viewer_user, Role.VIEWER), (editor_user, Role.EDITOR)):
        if ROLE_RANK[role] >= ROLE_RANK[Role(needed)]:
            continue
        client = signed_in(user)
        assert client.get(url).status_code == 403, (name, role)
        assert client.post(url, {"name": "x", "label": "x", "confirm": "x"}).status_code == 403, (name, role)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_posts_without_a_csrf_token_are_refused(name, workspace, admin_user):
    url = reverse(f"dashboard:{name}", args=args_for(name, objects_of(workspace)))
    client = signed_in(admin_user, csrf=True)
    assert client.post(url, {"name": "x"}).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if "<" in str(ROUTES[n].pattern)))
def test_objects_of_another_workspace_are_404(name, workspace, other_workspace, admin_user):
    objects_of(workspace)
    theirs = objects_of(other_workspace)
    url = reverse(f"dashboard:{name}", args=args_for(name, theirs))
    client = signed_in(admin_user)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"name": "x", "label": "x", "confirm": "x"}).status_code == 404
