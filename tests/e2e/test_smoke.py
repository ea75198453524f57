"""Smoke test: the app started the way `make run` starts it — migrate, bootstrap_demo, then `manage.py serve`
(gunicorn + a real Celery worker) — on a free port with its own DATA_DIR.

By default it runs embedded (a fresh SQLite file and the filesystem broker under a temporary DATA_DIR). When
DATABASE_URL points at PostgreSQL it runs in a fresh database created next to it (and dropped afterwards);
when CELERY_BROKER_URL is set (CI: Redis) the worker and the client use that broker.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps.core.supervisor import die_with_parent

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 90
COMMAND_TIMEOUT = 300
TASK_TIMEOUT = 60
STOP_TIMEOUT = 45


@dataclass
class RunningApp:
    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    output: str  # what bootstrap_demo printed

    def printed(self, label: str) -> str:
        match = re.search(rf"^\s*{label}:\s+(\S+)\s*$", self.output, re.MULTILINE)
        assert match, f"bootstrap_demo did not print {label!r}:\n{self.output}"
        return match.group(1)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def fresh_postgres_database(url: str) -> Iterator[str]:
    """A new database on the server of `url`; its name keeps the original as a prefix, so CI's clean-up of
    `<name>*` also catches it if this process is killed."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_smoke_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def app_env(data_dir: Path, port: int, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    for name in ("CELERY_TASK_ALWAYS_EAGER", "SITE_URL", "DATABASE_URL"):
        env.pop(name, None)  # the test overlay's eager mode must not leak into the real processes
    env.update(
        DJANGO_SETTINGS_MODULE="contacts_admin.settings",
        DEBUG="true",  # as `make run`
        DATA_DIR=str(data_dir),
        PORT=str(port),
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until_serving(app: RunningApp) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"serve exited with {app.process.returncode}:\n{app.log_tail()}")
        with contextlib.suppress(OSError):
            if http_get(f"{app.base_url}/accounts/login/")[0] == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"not serving after {STARTUP_TIMEOUT}s:\n{app.log_tail()}")


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            return process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # serve's children die with it (parent-death signal), so killing its group is enough.
            os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout=10)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    data_dir = tmp_path_factory.mktemp("data")
    port = free_port()
    with contextlib.ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            database_url = stack.enter_context(fresh_postgres_database(database_url))
        env = app_env(data_dir, port, database_url or None)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        output = manage(env, "bootstrap_demo", timeout=60)
        log = data_dir / "serve.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "serve"],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent(os.getpid()),  # no orphan if pytest itself is killed
            )
        stack.callback(stop, process)
        running = RunningApp(f"http://127.0.0.1:{port}", env, process, log, output)
        wait_until_serving(running)
        yield running


def test_bootstrap_prints_the_url_it_serves_on(app):
    assert app.printed("URL") == f"{app.base_url}/"


def test_login_page_is_served(app):
    status, body = http_get(f"{app.base_url}/accounts/login/")

    assert status == 200
    assert 'name="password"' in body


def test_printed_api_key_is_accepted(app):
    status, body = http_get(
        f"{app.base_url}/api/v1/auth/check", {"Authorization": f"Bearer {app.printed('API key')}"}
    )

    assert status == 200, body
    assert json.loads(body)["workspace"]["id"] == app.printed("Workspace id")


def test_wrong_api_key_is_rejected(app):
    status, body = http_get(
        f"{app.base_url}/api/v1/auth/check", {"Authorization": "Bearer ca_00000000_wrong"}
    )

    assert status == 401
    assert json.loads(body)["error"]["code"] == "invalid_api_key"


def test_printed_admin_can_log_into_the_admin_and_see_the_demo_workspace(app):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_url = f"{app.base_url}/admin/login/?next=/admin/workspaces/workspace/"
    page = opener.open(login_url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "username": app.printed("Username"),
        "password": app.printed("Password"),
        "next": "/admin/workspaces/workspace/",
    }

    response = opener.open(login_url, data=urllib.parse.urlencode(form).encode(), timeout=10)

    assert response.url.endswith("/admin/workspaces/workspace/")
    assert "Demo workspace" in response.read().decode()


def test_a_task_runs_through_the_worker(app):
    script = "import json; from apps.core.tasks import ping; print(json.dumps(ping.delay().get(timeout=%d)))"

    output = manage(app.env, "shell", "-v", "0", "-c", script % TASK_TIMEOUT, timeout=TASK_TIMEOUT + 30)

    result = json.loads(output.strip().splitlines()[-1])
    assert result == {"pong": True, "workspaces": 1}, app.log_tail()


def test_ctrl_c_stops_web_and_worker(app):
    # Runs last: it takes the app down.
    assert stop(app.process) == 0, app.log_tail()

    log = app.log.read_text()
    assert "serve: received SIGINT; stopping" in log
    child_pids = [int(pid) for pid in re.findall(r"serve: started \w+ \(pid (\d+)\)", log)]
    assert len(child_pids) == 2
    for pid in child_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(OSError):
        http_get(f"{app.base_url}/accounts/login/")
