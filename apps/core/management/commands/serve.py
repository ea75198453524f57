"""`manage.py serve`: the embedded way to run the hub — gunicorn and a Celery worker (with beat) together.

Production runs the same two programs directly, on as many machines as needed (see the README).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.supervisor import ChildSpec, supervise


def _bind_address(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6
    return f"{host}:{port}"


def _gunicorn_has_control_socket() -> bool:
    # gunicorn 25+ opens a control socket at one fixed path per user, which a second instance on the same
    # machine would fight over; older versions do not know the option that turns it off.
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


def web_argv(*, host: str, port: int, workers: int) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "contacts_admin.wsgi:application"]
    argv += ["--bind", _bind_address(host, port), "--workers", str(workers), "--access-logfile", "-"]
    if _gunicorn_has_control_socket():
        argv.append("--no-control-socket")
    return argv


# The worker runs at a lower CPU priority than the web server: imports are throughput work and take every
# cycle the web leaves, while API clients and ops staff wait on the web's answers.
WORKER_NICE = 10


def worker_argv(
    *, concurrency: int, beat: bool, schedule_file: Path, node_name: str, nice: int = WORKER_NICE
) -> list[str]:
    argv = ["nice", "-n", str(nice)] if nice else []
    argv += [sys.executable, "-m", "celery", "-A", "contacts_admin", "worker"]
    argv += ["--concurrency", str(concurrency), "--loglevel", "INFO", "--hostname", f"{node_name}@%h"]
    # One embedded worker has no peers to sync with; skipping mingle saves a second at start.
    argv += ["--without-mingle", "--without-gossip"]
    if beat:
        argv += ["--beat", "--schedule", str(schedule_file)]
    return argv


class Command(BaseCommand):
    help = (
        "Run the web server (gunicorn) and a Celery worker with embedded beat in the foreground. "
        "Ctrl-C stops both; if either stops on its own, the other is stopped and the command exits non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", "127.0.0.1"),
            help="Address to listen on (default: $HOST or 127.0.0.1).",
        )
        parser.add_argument(
            "--port", type=int, default=settings.PORT, help="Port to listen on (default: $PORT or 8000)."
        )
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker pool size.")
        parser.add_argument("--no-beat", action="store_true", help="Do not run the periodic-task scheduler.")
        parser.add_argument(
            "--worker-nice",
            type=int,
            default=WORKER_NICE,
            help=f"CPU niceness of the worker, so the web answers first (default {WORKER_NICE}; 0: as web).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        children = [
            ChildSpec("web", web_argv(host=host, port=port, workers=options["web_workers"])),
            ChildSpec(
                "worker",
                worker_argv(
                    concurrency=options["concurrency"],
                    beat=not options["no_beat"],
                    schedule_file=settings.DATA_DIR / "celerybeat-schedule",
                    node_name=f"embedded-{os.getpid()}",
                    nice=options["worker_nice"],
                ),
            ),
        ]
        self.say(f"web on http://{_bind_address(host, port)}/ and a Celery worker; Ctrl-C stops both")
        exit_code = supervise(children, log=self.say)
        if exit_code:
            raise CommandError(
                "the web server or the worker stopped; see the log above", returncode=exit_code
            )

    def say(self, message: str) -> None:
        self.stdout.write(f"serve: {message}")
        self.stdout.flush()
