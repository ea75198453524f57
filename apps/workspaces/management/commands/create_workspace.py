from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.workspaces.services import workspace_create


class Command(BaseCommand):
    help = "Create a workspace. Prints only its public id on stdout, for scripts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The workspace's display name.")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        if not name.strip():
            raise CommandError("NAME must not be empty")
        workspace = workspace_create(name=name)
        self.stdout.write(workspace.public_id)
