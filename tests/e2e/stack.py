"""Real processes for end-to-end tests: a private Redis, a fresh PostgreSQL database, gunicorn and a Celery
worker (with beat), each on a free port, each stopped by the fixture that started it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from apps.core.management.commands.serve import web_argv, worker_argv
from apps.core.supervisor import die_with_parent
from tests.e2e.test_smoke import app_env, fresh_postgres_database, manage

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            value = predicate()
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent(os.getpid()),
            )
        return self

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Signal the whole process group (the worker's pool children too)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 40) -> str:
        return (
            "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""
        )


@dataclass
class Stack:
    base_url: str
    env: dict[str, str]
    data_dir: Path
    redis: Proc
    web: Proc
    worker: Proc
    redis_port: int
    database_url: str
    extra: list[Proc] = field(default_factory=list)

    def sql(self, query: str, *params: object) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def new_worker(self) -> Proc:
        self.worker = Proc("worker", self.worker.argv, self.env, self.data_dir / "worker.log").start()
        return self.worker

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.tail()}" for p in (self.redis, self.web, self.worker))


def redis_proc(data_dir: Path, port: int) -> Proc:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for the end-to-end tests"
    argv = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(data_dir),
    ]
    return Proc("redis", argv, dict(os.environ), data_dir / "redis.log")


def redis_ready(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


@contextlib.contextmanager
def running_stack(
    tmp_path: Path, database_url: str, *, web_workers: int = 3, **settings: str
) -> Iterator[Stack]:
    data_dir = tmp_path
    redis_port, web_port = free_port(), free_port()
    with contextlib.ExitStack() as stack:
        db_url = stack.enter_context(fresh_postgres_database(database_url))
        env = app_env(data_dir, web_port, db_url)
        env.update(
            CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
            WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
            **settings,
        )
        env.pop("CELERY_RESULT_BACKEND", None)
        redis = redis_proc(data_dir, redis_port).start()
        stack.callback(redis.stop)
        wait_for(lambda: redis_ready(redis_port), 20, "redis")
        manage(env, "migrate", "--noinput")
        web = Proc(
            "web",
            web_argv(host="127.0.0.1", port=web_port, workers=web_workers),
            env,
            data_dir / "web.log",
        ).start()
        stack.callback(web.stop)
        worker = Proc(
            "worker",
            worker_argv(
                concurrency=1, beat=True, schedule_file=data_dir / "beat-schedule", node_name=f"e2e{web_port}"
            ),
            env,
            data_dir / "worker.log",
        ).start()
        running = Stack(f"http://127.0.0.1:{web_port}", env, data_dir, redis, web, worker, redis_port, db_url)
        stack.callback(lambda: running.worker.stop())
        wait_for(
            lambda: urllib.request.urlopen(f"{running.base_url}/accounts/login/", timeout=5).status == 200,
            60,
            "gunicorn",
        )
        yield running
