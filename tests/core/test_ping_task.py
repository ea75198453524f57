from apps.core.tasks import ping


def test_ping_reports_the_workspace_count(workspace, other_workspace):
    assert ping.delay().get(timeout=5) == {"pong": True, "workspaces": 2}
