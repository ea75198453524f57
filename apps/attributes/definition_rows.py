"""The workspace's attribute definitions with their numeric ids, in one query.

eSputnik addresses custom fields by number (`fields: [{"id": 12, "value": …}]`) and answers with
numbers too, so its dialect needs id → codename and codename → id as well as the types the ingest checks
values against. One read serves all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
from django.db import connection

from apps.attributes.models import AttributeDefinition
from apps.attributes.versions import definitions_cached

if TYPE_CHECKING:
    from apps.workspaces.models import Workspace


@dataclass(frozen=True, slots=True)
class AttributeRow:
    id: int
    codename: str
    type: str
    choices: tuple[str, ...]
    archived: bool
    builtin: bool


def attribute_definition_rows_for(workspace: Workspace) -> list[AttributeRow]:
    """`attribute_definition_rows` for the workspace's current definitions version, read once per process
    and version (apps.attributes.versions). Shared: do not change the list."""
    return definitions_cached("rows", workspace, lambda: attribute_definition_rows(workspace_id=workspace.pk))


def attribute_definition_rows(*, workspace_id: int) -> list[AttributeRow]:
    """Every attribute definition of the workspace (built-in and archived included), by id. Plain SQL: it
    runs on every eSputnik upsert, where compiling the ORM query costs more than running it."""
    table = connection.ops.quote_name(AttributeDefinition._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, codename, type, choices, archived, builtin FROM {table} "  # noqa: S608
            "WHERE workspace_id = %s ORDER BY id",
            [workspace_id],
        )
        rows = cursor.fetchall()
    return [
        AttributeRow(
            pk,
            codename,
            type_,
            tuple((orjson.loads(choices) if isinstance(choices, str | bytes) else choices) or ()),
            bool(archived),
            bool(builtin),
        )
        for pk, codename, type_, choices, archived, builtin in rows
    ]
