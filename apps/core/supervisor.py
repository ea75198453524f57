"""Run a few child processes in the foreground as one unit: the embedded `serve` command's web + worker.

Ctrl-C or SIGTERM stops all of them. If a child exits on its own, the others are stopped and `supervise()`
returns non-zero, so whoever started it (a developer, a process manager, a test) notices instead of running
half an app.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: list[str]


def _log_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def die_with_parent(parent_pid: int) -> Callable[[], None] | None:
    """A `preexec_fn` for Popen (None where unsupported): the child gets SIGTERM when its parent dies."""
    # Linux: the kernel sends SIGTERM to the child if the parent dies, even by SIGKILL, so no orphaned
    # server keeps the port or the broker. Elsewhere this is skipped and a killed parent leaks children.
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None)  # loaded before the fork; the child only calls into it

    def setup() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return setup


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def supervise(
    children: Sequence[ChildSpec],
    *,
    grace_seconds: float = 30.0,
    poll_interval: float = 0.2,
    log: Callable[[str], None] = _log_stderr,
) -> int:
    """Start `children`, wait until a stop signal arrives (→ 0) or a child exits (→ its code, or 1).

    Each child runs in its own process group, so a terminal's Ctrl-C reaches only the supervisor, which then
    stops the children in order: SIGTERM to each child's main process (gunicorn and Celery shut down their own
    workers gracefully), then SIGKILL to whatever is left of its group after `grace_seconds`, or at once on a
    second Ctrl-C.
    """
    signals_received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        signals_received.append(signum)

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    processes: list[tuple[ChildSpec, subprocess.Popen[bytes]]] = []
    exit_code = 0
    try:
        for spec in children:
            process = subprocess.Popen(  # noqa: S603 - argv is built by the caller, never from user input
                spec.argv, process_group=0, preexec_fn=die_with_parent(os.getpid())
            )
            processes.append((spec, process))
            log(f"started {spec.name} (pid {process.pid})")
        exit_code = _wait_for_stop(processes, signals_received, poll_interval, log)
    finally:
        _stop_all(processes, signals_received, grace_seconds, poll_interval, log)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return exit_code


def _wait_for_stop(
    processes: list[tuple[ChildSpec, subprocess.Popen[bytes]]],
    signals_received: list[int],
    poll_interval: float,
    log: Callable[[str], None],
) -> int:
    while not signals_received:
        for spec, process in processes:
            code = process.poll()
            if code is not None:
                log(f"{spec.name} exited with code {code}; stopping the others")
                return code if code > 0 else 1
        time.sleep(poll_interval)
    log(f"received {signal.Signals(signals_received[0]).name}; stopping")
    return 0


def _stop_all(
    processes: list[tuple[ChildSpec, subprocess.Popen[bytes]]],
    signals_received: list[int],
    grace_seconds: float,
    poll_interval: float,
    log: Callable[[str], None],
) -> None:
    if not processes:
        return
    signals_at_start = len(signals_received)
    for _, process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while any(p.poll() is None for _, p in processes):
        if time.monotonic() >= deadline or len(signals_received) > signals_at_start:
            for spec, process in processes:
                if process.poll() is None:
                    log(f"killing {spec.name} (pid {process.pid})")
            break
        time.sleep(poll_interval)
    # Also reaps what a child left behind in its group (a pool worker whose parent is gone).
    for _, process in processes:
        _signal_group(process, signal.SIGKILL)
    for _, process in processes:
        process.wait()
