"""Attribute definitions that a dialect needs to exist before it can store values under them.

Notifuse addresses custom data through fixed, typed slots (`custom_string_1`, `custom_number_1`, ...); the hub
stores them as custom attributes under those codenames, so the first request that uses a slot provisions its
definition (DESIGN.md, "Data model"). Definitions the workspace already has are never changed: an admin may
have relabelled, retyped or archived one, and that choice wins.
"""

from __future__ import annotations

from collections.abc import Mapping

from apps.attributes.builtins import BUILTIN_CODENAMES
from apps.attributes.models import AttributeDefinition, AttributeType
from apps.attributes.versions import definitions_changed


def attribute_definitions_ensure(*, workspace_id: int, definitions: Mapping[str, str]) -> dict[str, str]:
    """Make sure every codename of `definitions` ({codename: type}) has a definition in the workspace,
    creating the missing ones with the given type. Idempotent and safe under concurrency: two requests
    provisioning the same slot end with one definition and no error.

    Returns {codename: type} as stored, which differs from the request when a definition already existed with
    another type. One query once every codename exists, three when some are missing (read, insert, read back),
    whatever the number of codenames."""
    for codename, type_ in definitions.items():
        if type_ not in AttributeType.values:
            raise ValueError(f"unknown attribute type {type_!r} for {codename!r}")
        if codename in BUILTIN_CODENAMES:
            raise ValueError(f"{codename!r} is a built-in attribute; it maps to a contact column")
    if not definitions:
        return {}
    stored = dict(
        AttributeDefinition.objects.filter(
            workspace_id=workspace_id, codename__in=list(definitions)
        ).values_list("codename", "type")
    )
    missing = [codename for codename in definitions if codename not in stored]
    if not missing:
        return stored
    # ignore_conflicts: a concurrent request that inserted the same codename first wins, without an error.
    AttributeDefinition.objects.bulk_create(
        [
            AttributeDefinition(
                workspace_id=workspace_id,
                codename=codename,
                label=codename.replace("_", " ").capitalize(),
                type=definitions[codename],
            )
            for codename in missing
        ],
        ignore_conflicts=True,
    )
    definitions_changed(workspace_id=workspace_id)  # bulk_create sends no post_save
    # What another writer may have inserted in between is read as it is stored, not assumed.
    stored.update(
        AttributeDefinition.objects.filter(workspace_id=workspace_id, codename__in=missing).values_list(
            "codename", "type"
        )
    )
    return stored
