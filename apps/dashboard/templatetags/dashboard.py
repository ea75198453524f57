"""Template helpers of the dashboard. Everything they return is escaped by the template, never marked safe."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from apps.dashboard.access import WorkspaceAccess
from apps.dashboard.navigation import NavLink, nav_links

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_nav(context: template.Context, access: WorkspaceAccess) -> list[NavLink]:
    request = context.get("request")
    return nav_links(access, request.path if request is not None else "")


@register.simple_tag
def url_if_exists(route: str, *args: Any) -> str:
    """The URL of `route`, or "" while that page does not exist yet (pages other work adds later)."""
    try:
        return reverse(route, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def json_value(value: Any) -> str:
    """A stored JSON value as readable text: strings as they are, booleans as Yes/No, the rest as JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def percent(part: int | None, whole: int | None) -> int:
    if not part or not whole:
        return 0
    return min(100, round(100 * part / whole))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
