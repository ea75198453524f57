"""The definitions version moves on every write of a definition, and the per-process cache follows it."""

from __future__ import annotations

import pytest

from apps.attributes.models import AttributeDefinition, MetricDefinition
from apps.attributes.provisioning import attribute_definitions_ensure
from apps.attributes.services import (
    attribute_definition_archive,
    attribute_definition_create,
    metric_definition_create,
)
from apps.attributes.versions import definitions_cached
from apps.ingest.services import definitions_for
from apps.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def version(workspace) -> int:
    return Workspace.objects.values_list("definitions_version", flat=True).get(pk=workspace.pk)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda ws: attribute_definition_create(workspace=ws, codename="plan"), id="create"),
        pytest.param(lambda ws: metric_definition_create(workspace=ws, codename="visits"), id="metric"),
        pytest.param(
            lambda ws: attribute_definitions_ensure(workspace_id=ws.pk, definitions={"custom_1": "string"}),
            id="bulk provisioning",
        ),
        pytest.param(
            lambda ws: AttributeDefinition.objects.filter(workspace=ws, codename="email").get().delete(),
            id="delete",
        ),
        pytest.param(
            lambda ws: attribute_definition_archive(
                definition=AttributeDefinition.objects.create(workspace=ws, codename="x", label="X")
            ),
            id="archive",
        ),
    ],
)
def test_every_write_of_a_definition_moves_the_version(workspace, write):
    before = version(workspace)
    write(workspace)
    assert version(workspace) > before


def test_an_unchanged_provisioning_does_not_move_it(workspace):
    attribute_definitions_ensure(workspace_id=workspace.pk, definitions={"custom_1": "string"})
    before = version(workspace)
    attribute_definitions_ensure(workspace_id=workspace.pk, definitions={"custom_1": "string"})
    assert version(workspace) == before


def test_the_cache_holds_a_version_and_reloads_when_it_moves(workspace):
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    fresh = Workspace.objects.get(pk=workspace.pk)
    assert definitions_cached("t", fresh, load) == 1
    assert definitions_cached("t", fresh, load) == 1
    MetricDefinition.objects.create(workspace=workspace, codename="m", label="M")
    assert definitions_cached("t", Workspace.objects.get(pk=workspace.pk), load) == 2


def test_the_cache_never_serves_another_workspace_with_the_same_primary_key(workspace):
    other = Workspace(pk=workspace.pk, public_id="f" * 24, definitions_version=workspace.definitions_version)
    assert definitions_cached("t", workspace, lambda: "mine") == "mine"
    assert definitions_cached("t", other, lambda: "theirs") == "theirs"


def test_definitions_for_gives_a_copy_the_caller_may_extend(workspace):
    attribute_definition_create(workspace=workspace, codename="plan")
    fresh = Workspace.objects.get(pk=workspace.pk)
    first = definitions_for(fresh)
    first.attributes["added"] = first.attributes["plan"]
    assert "added" not in definitions_for(fresh).attributes
    assert "plan" in definitions_for(fresh).attributes
