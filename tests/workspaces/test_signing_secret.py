from apps.workspaces.models import Workspace
from apps.workspaces.services import workspace_signing_secret_rotate


def test_rotating_gives_a_new_stored_secret(workspace, other_workspace):
    before, other_before = workspace.webhook_signing_secret, other_workspace.webhook_signing_secret

    workspace_signing_secret_rotate(workspace=workspace)

    stored = Workspace.objects.get(pk=workspace.pk).webhook_signing_secret
    assert stored == workspace.webhook_signing_secret != before
    assert len(stored) == 64
    assert Workspace.objects.get(pk=other_workspace.pk).webhook_signing_secret == other_before
