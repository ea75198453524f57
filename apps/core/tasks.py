from __future__ import annotations

from celery import shared_task

from apps.workspaces.models import Workspace


@shared_task
def ping() -> dict[str, object]:
    """Proves the whole path works: broker → worker → database → result backend (used by the smoke test)."""
    return {"pong": True, "workspaces": Workspace.objects.count()}
