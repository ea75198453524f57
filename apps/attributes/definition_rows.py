"""The workspace's attribute definitions with their numeric ids, in one query.

eSputnik addresses custom fields by number (`fields: [{"id": 12, "value": …}]`) and answers with
numbers too, so its dialect needs id → codename and codename → id as well as the types the ingest checks
values against. One read serves all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.attributes.models import AttributeDefinition


@dataclass(frozen=True, slots=True)
class AttributeRow:
    id: int
    codename: str
    type: str
    choices: tuple[str, ...]
    archived: bool
    builtin: bool


def attribute_definition_rows(*, workspace_id: int) -> list[AttributeRow]:
    """Every attribute definition of the workspace (built-in and archived included), by id."""
    return [
        AttributeRow(pk, codename, type_, tuple(choices or ()), archived, builtin)
        for pk, codename, type_, choices, archived, builtin in AttributeDefinition.objects.filter(
            workspace_id=workspace_id
        )
        .order_by("id")
        .values_list("id", "codename", "type", "choices", "archived", "builtin")
    ]
