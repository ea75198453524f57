from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.models import AttributeDefinition
from apps.attributes.provisioning import attribute_definitions_ensure
from apps.attributes.services import attribute_definition_create

pytestmark = pytest.mark.django_db


def stored(workspace) -> dict[str, str]:
    return dict(
        AttributeDefinition.objects.filter(workspace=workspace, builtin=False).values_list("codename", "type")
    )


def test_missing_definitions_are_created_with_their_types(workspace):
    result = attribute_definitions_ensure(
        workspace_id=workspace.id,
        definitions={"custom_number_1": "number", "custom_json_1": "json", "last_order_at": "datetime"},
    )

    expected = {"custom_number_1": "number", "custom_json_1": "json", "last_order_at": "datetime"}
    assert result == expected
    assert stored(workspace) == expected
    label = AttributeDefinition.objects.get(workspace=workspace, codename="custom_number_1").label
    assert label == "Custom number 1"


def test_a_second_call_changes_nothing_and_makes_one_query(workspace):
    definitions = {"custom_string_1": "string", "custom_number_2": "number"}
    attribute_definitions_ensure(workspace_id=workspace.id, definitions=definitions)

    with CaptureQueriesContext(connection) as queries:
        result = attribute_definitions_ensure(workspace_id=workspace.id, definitions=definitions)

    assert result == definitions
    assert len(queries) == 1
    assert AttributeDefinition.objects.filter(workspace=workspace, builtin=False).count() == 2


def test_an_existing_definition_is_left_as_the_admin_made_it(workspace):
    attribute_definition_create(workspace=workspace, codename="custom_number_1", type="string", label="Tier")

    result = attribute_definitions_ensure(
        workspace_id=workspace.id, definitions={"custom_number_1": "number", "custom_number_2": "number"}
    )

    assert result == {"custom_number_1": "string", "custom_number_2": "number"}
    definition = AttributeDefinition.objects.get(workspace=workspace, codename="custom_number_1")
    assert (definition.type, definition.label) == ("string", "Tier")


def test_query_count_does_not_grow_with_the_number_of_definitions(workspace, other_workspace):
    def count(workspace_id: int, n: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            attribute_definitions_ensure(
                workspace_id=workspace_id, definitions={f"custom_string_{i}": "string" for i in range(n)}
            )
        return len(queries)

    assert count(workspace.id, 1) == count(other_workspace.id, 20)


def test_a_concurrent_insert_of_the_same_codename_is_not_an_error(workspace, monkeypatch):
    # Another request inserts the slot between our read and our insert, with another type.
    manager = AttributeDefinition.objects
    original = type(manager).bulk_create

    def racing_bulk_create(self, objs, *args, **kwargs):
        AttributeDefinition(
            workspace=workspace, codename="custom_json_1", label="Raced", type="string"
        ).save()
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(type(manager), "bulk_create", racing_bulk_create)

    result = attribute_definitions_ensure(
        workspace_id=workspace.id, definitions={"custom_json_1": "json", "custom_json_2": "json"}
    )

    assert result == {"custom_json_1": "string", "custom_json_2": "json"}
    assert AttributeDefinition.objects.filter(workspace=workspace, codename="custom_json_1").count() == 1


def test_definitions_are_per_workspace(workspace, other_workspace):
    attribute_definitions_ensure(workspace_id=other_workspace.id, definitions={"custom_number_1": "string"})

    result = attribute_definitions_ensure(
        workspace_id=workspace.id, definitions={"custom_number_1": "number"}
    )

    assert result == {"custom_number_1": "number"}
    assert stored(workspace) == {"custom_number_1": "number"}


def test_nothing_asked_means_no_query(workspace):
    with CaptureQueriesContext(connection) as queries:
        assert attribute_definitions_ensure(workspace_id=workspace.id, definitions={}) == {}
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("definitions", "message"),
    [({"custom_x": "float"}, "unknown attribute type"), ({"email": "string"}, "built-in")],
)
def test_a_programming_error_is_refused(workspace, definitions, message):
    with pytest.raises(ValueError, match=message):
        attribute_definitions_ensure(workspace_id=workspace.id, definitions=definitions)
