from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.attributes.definition_rows import AttributeRow, attribute_definition_rows
from apps.attributes.models import AttributeDefinition
from apps.attributes.services import attribute_definition_create
from apps.ingest.services import definitions_load

pytestmark = pytest.mark.django_db


def test_rows_carry_the_numeric_id_and_the_type(workspace):
    level = attribute_definition_create(
        workspace=workspace, codename="level", type="choice", choices=["a", "b"]
    )

    rows = {row.codename: row for row in attribute_definition_rows(workspace_id=workspace.pk)}

    assert rows["level"] == AttributeRow(level.pk, "level", "choice", ("a", "b"), False, False)
    assert rows["email"].builtin is True


def test_archived_definitions_are_listed(workspace):
    old = attribute_definition_create(workspace=workspace, codename="old")
    AttributeDefinition.objects.filter(pk=old.pk).update(archived=True)

    rows = {row.codename: row for row in attribute_definition_rows(workspace_id=workspace.pk)}

    assert rows["old"].archived is True


def test_only_the_workspaces_own_definitions_in_one_query(workspace, other_workspace):
    attribute_definition_create(workspace=other_workspace, codename="theirs")

    with CaptureQueriesContext(connection) as captured:
        rows = attribute_definition_rows(workspace_id=workspace.pk)

    assert "theirs" not in {row.codename for row in rows}
    assert len(captured.captured_queries) == 1


def test_rows_agree_with_what_the_ingest_loads(workspace):
    # The eSputnik dialect hands the ingest definitions built from these rows instead of a second read.
    from apps.vendors.esputnik.translate import ingest_definitions

    attribute_definition_create(workspace=workspace, codename="level", type="choice", choices=["a"])
    attribute_definition_create(workspace=workspace, codename="score", type="number")

    built = ingest_definitions(attribute_definition_rows(workspace_id=workspace.pk))

    assert built.attributes == definitions_load(workspace_id=workspace.pk).attributes
