"""The definitions version: a number on the workspace that moves whenever its attribute or metric
definitions change, and a per-process cache of what was read for a version.

The synchronous upserts need the definitions on every request. The API key's authentication already loads
the workspace, version included, so a process that has read the definitions for that version answers from
memory and the request makes no query for them; a change anywhere (another process, the dashboard, the
admin) moves the version in the same transaction as the change, and the next request reads them again.

Every write of a definition bumps it: saves and deletes through the `post_save` / `post_delete` receivers
(which also cover Django's admin), bulk writes by calling `definitions_changed` themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.db.models import F

if TYPE_CHECKING:
    from apps.workspaces.models import Workspace

T = TypeVar("T")

MAX_ENTRIES = 512
_cache: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def definitions_changed(*, workspace_id: int) -> None:
    from apps.workspaces.models import Workspace

    Workspace.objects.filter(pk=workspace_id).update(definitions_version=F("definitions_version") + 1)


def definitions_cached(kind: str, workspace: Workspace, load: Callable[[], T]) -> T:
    """`load()` for the workspace's current definitions version, read once per process and version.

    The key carries the workspace's random public id as well as its primary key, so a primary key that a
    database reuses (a test's rolled-back workspace) never meets another workspace's entry. The value is
    shared: callers must not change it."""
    key = (connection.alias, connection.vendor, kind, workspace.pk, workspace.public_id)
    version = workspace.definitions_version
    entry = _cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = load()
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (version, value)
    return value
