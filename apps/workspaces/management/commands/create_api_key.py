from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.workspaces.models import ApiKeyScope
from apps.workspaces.selectors import workspace_get_by_public_id
from apps.workspaces.services import api_key_create


class Command(BaseCommand):
    help = (
        "Create an API key for a workspace. Prints only the key on stdout; it is shown this once "
        "and cannot be recovered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "workspace_id", help="The workspace's public id (as printed by create_workspace)."
        )
        parser.add_argument("--name", required=True, help="What the key is for, e.g. the integration's name.")
        parser.add_argument("--read-only", action="store_true", help="The key may read but not write.")

    def handle(self, *args: Any, workspace_id: str, name: str, read_only: bool, **options: Any) -> None:
        workspace = workspace_get_by_public_id(workspace_id.strip())
        if workspace is None:
            raise CommandError(f"no workspace with id {workspace_id!r} (see create_workspace)")
        if not name.strip():
            raise CommandError("--name must not be empty")
        scope = ApiKeyScope.READ if read_only else ApiKeyScope.READ_WRITE
        issued = api_key_create(workspace=workspace, name=name, scope=scope)
        self.stdout.write(issued.key)
