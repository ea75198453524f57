import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.workspaces.models import ApiKey, Membership, Role, Workspace
from apps.workspaces.services import api_key_authenticate


def run() -> str:
    out = StringIO()
    call_command("bootstrap_demo", "--url", "http://127.0.0.1:8123", stdout=out)
    return out.getvalue()


def printed(out: str, label: str) -> str:
    match = re.search(rf"^\s*{label}:\s+(\S+)\s*$", out, re.MULTILINE)
    assert match, f"{label!r} not printed in:\n{out}"
    return match.group(1)


@pytest.mark.django_db
def test_first_run_creates_and_prints_admin_workspace_and_key():
    out = run()

    user = get_user_model().objects.get(username="admin")
    workspace = Workspace.objects.get()
    assert printed(out, "URL") == "http://127.0.0.1:8123/"
    assert printed(out, "Username") == "admin"
    assert user.is_superuser
    assert user.check_password(printed(out, "Password"))
    assert printed(out, "Workspace id") == workspace.public_id
    assert Membership.objects.get(user=user, workspace=workspace).role == Role.ADMIN
    api_key = api_key_authenticate(printed(out, "API key"))
    assert api_key is not None
    assert api_key.workspace == workspace


@pytest.mark.django_db
def test_second_run_creates_nothing_and_says_how_to_reset():
    first = run()

    second = run()

    assert Workspace.objects.count() == 1
    assert ApiKey.objects.count() == 1
    assert get_user_model().objects.count() == 1
    assert "already exists" in second
    assert "manage.py changepassword admin" in second
    assert "manage.py create_api_key" in second
    assert printed(second, "Workspace id") == printed(first, "Workspace id")
    assert printed(first, "Password") not in second
    assert "Password:" not in second
