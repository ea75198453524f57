from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.workspaces.services import DemoBootstrap, demo_bootstrap


class Command(BaseCommand):
    help = (
        "Create (once) a demo workspace, an admin superuser and an API key, and print them. "
        "Safe to run on every start: later runs change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=settings.SITE_URL,
            help="Base URL to print (default: $SITE_URL or 127.0.0.1:$PORT).",
        )

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        result = demo_bootstrap()
        base = url.rstrip("/")
        self.stdout.write("\n".join(_created(result, base) if result.created else _existing(result, base)))


def _created(result: DemoBootstrap, base: str) -> list[str]:
    assert result.workspace is not None
    return [
        "",
        "=" * 78,
        "  contacts_admin is set up. The password and the API key are shown only this once.",
        "",
        f"  URL:           {base}/",
        f"  Django admin:  {base}/admin/",
        f"  Username:      {result.username}",
        f"  Password:      {result.password}",
        f"  API key:       {result.key}",
        f"  Workspace id:  {result.workspace.public_id}",
        "",
        f'  Try the key:   curl -H "Authorization: Bearer {result.key}" {base}/api/v1/auth/check',
        "=" * 78,
        "",
    ]


def _existing(result: DemoBootstrap, base: str) -> list[str]:
    workspace_id = result.workspace.public_id if result.workspace is not None else "<WORKSPACE_ID>"
    return [
        "",
        f"contacts_admin: the admin user {result.username!r} already exists; nothing was created.",
        f"  URL:                 {base}/",
        f"  Workspace id:        {workspace_id}",
        f"  Reset the password:  .venv/bin/python manage.py changepassword {result.username}",
        f"  Make a new API key:  .venv/bin/python manage.py create_api_key {workspace_id} --name NAME",
        "",
    ]
