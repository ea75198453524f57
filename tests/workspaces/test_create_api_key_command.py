from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.workspaces.models import ApiKey, ApiKeyScope
from apps.workspaces.services import api_key_authenticate


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_prints_only_the_key(workspace):
    out = run(workspace.public_id, "--name", "Shop sync")

    key = out.removesuffix("\n")
    assert out == f"{key}\n"
    api_key = api_key_authenticate(key)
    assert api_key is not None
    assert api_key.workspace == workspace
    assert api_key.name == "Shop sync"
    assert api_key.scope == ApiKeyScope.READ_WRITE


def test_read_only_flag_gives_a_read_scope(workspace):
    key = run(workspace.public_id, "--name", "Reports", "--read-only").strip()

    api_key = api_key_authenticate(key)
    assert api_key is not None
    assert api_key.scope == ApiKeyScope.READ


@pytest.mark.django_db
def test_unknown_workspace_is_a_clear_error():
    with pytest.raises(CommandError, match="no workspace with id 'nope'"):
        run("nope", "--name", "x")

    assert not ApiKey.objects.exists()


def test_name_is_required(workspace):
    with pytest.raises(CommandError, match="--name"):
        run(workspace.public_id)
