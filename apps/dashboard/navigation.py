"""The dashboard's navigation, in one place.

An entry is shown when the user's role reaches its `role` and its route exists: the import history and API key
pages are listed here already and appear by themselves once their URLs (`dashboard:imports`,
`dashboard:api_keys`) are added to `apps/dashboard/urls.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from apps.dashboard.access import WorkspaceAccess
from apps.workspaces.models import Role


@dataclass(frozen=True)
class NavEntry:
    label: str
    route: str
    role: str = Role.VIEWER


NAV: tuple[NavEntry, ...] = (
    NavEntry("Overview", "dashboard:overview"),
    NavEntry("Contacts", "dashboard:contacts"),
    NavEntry("Customers", "dashboard:customers"),
    NavEntry("Lists", "dashboard:lists"),
    NavEntry("Attributes", "dashboard:attributes"),
    NavEntry("Metrics", "dashboard:metrics"),
    NavEntry("Imports", "dashboard:imports"),
    NavEntry("Import CSV", "dashboard:csv_upload", Role.EDITOR),
    NavEntry("API keys", "dashboard:api_keys", Role.ADMIN),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def nav_links(access: WorkspaceAccess, path: str) -> list[NavLink]:
    links = []
    for entry in NAV:
        if not access.membership.has_role(entry.role):
            continue
        try:
            url = reverse(entry.route)
        except NoReverseMatch:
            continue
        current = path == url if url == "/" else path.startswith(url)
        links.append(NavLink(entry.label, url, current))
    return links
