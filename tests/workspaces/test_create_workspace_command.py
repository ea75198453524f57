from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.attributes.models import AttributeDefinition
from apps.workspaces.models import Workspace


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_workspace", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prints_only_the_public_id():
    out = run("Acme Ltd")

    workspace = Workspace.objects.get()
    assert out == f"{workspace.public_id}\n"
    assert workspace.name == "Acme Ltd"


@pytest.mark.django_db
def test_provisions_the_builtin_attributes():
    run("Acme Ltd")

    assert AttributeDefinition.objects.filter(builtin=True, codename="email").exists()


@pytest.mark.django_db
def test_rejects_a_blank_name():
    with pytest.raises(CommandError, match="NAME"):
        run("   ")

    assert not Workspace.objects.exists()
