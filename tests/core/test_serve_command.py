import sys

import pytest
from django.core.management import CommandError, call_command

from apps.core.management.commands import serve


class FakeSupervise:
    def __init__(self) -> None:
        self.calls: list = []
        self.exit_code = 0

    def __call__(self, children, **kwargs) -> int:
        self.calls.append(children)
        return self.exit_code


@pytest.fixture
def supervised(monkeypatch) -> FakeSupervise:
    fake = FakeSupervise()
    monkeypatch.setattr(serve, "supervise", fake)
    return fake


def test_web_binds_the_given_host_and_port():
    argv = serve.web_argv(host="127.0.0.1", port=8123, workers=3)

    assert argv[:4] == [sys.executable, "-m", "gunicorn", "contacts_admin.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"


def test_ipv6_host_is_bracketed():
    argv = serve.web_argv(host="::1", port=8123, workers=1)

    assert argv[argv.index("--bind") + 1] == "[::1]:8123"


def test_worker_runs_beat_with_its_schedule_file(tmp_path):
    argv = serve.worker_argv(concurrency=2, beat=True, schedule_file=tmp_path / "s", node_name="n")

    assert argv[:9] == ["nice", "-n", "10", sys.executable, "-m", "celery", "-A", "contacts_admin", "worker"]
    assert argv[argv.index("--schedule") + 1] == str(tmp_path / "s")
    assert "--beat" in argv
    assert argv[argv.index("--concurrency") + 1] == "2"


def test_worker_at_the_web_servers_priority_when_asked(tmp_path):
    argv = serve.worker_argv(concurrency=1, beat=False, schedule_file=tmp_path, node_name="n", nice=0)
    assert argv[0] == sys.executable


def test_worker_without_beat(tmp_path):
    assert "--beat" not in serve.worker_argv(concurrency=1, beat=False, schedule_file=tmp_path, node_name="n")


def test_serve_defaults_to_localhost_and_the_port_setting(supervised, settings, monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    settings.PORT = 8765

    call_command("serve")

    [children] = supervised.calls
    web, worker = children
    assert web.name == "web"
    assert web.argv[web.argv.index("--bind") + 1] == "127.0.0.1:8765"
    assert worker.name == "worker"
    assert "--beat" in worker.argv
    assert str(settings.DATA_DIR / "celerybeat-schedule") in worker.argv


def test_serve_options_override_the_defaults(supervised):
    call_command("serve", "--host", "0.0.0.0", "--port", "9001", "--no-beat")

    web, worker = supervised.calls[0]
    assert web.argv[web.argv.index("--bind") + 1] == "0.0.0.0:9001"
    assert "--beat" not in worker.argv


def test_serve_fails_when_a_child_stops(supervised):
    supervised.exit_code = 3

    with pytest.raises(CommandError) as excinfo:
        call_command("serve")

    assert excinfo.value.returncode == 3
