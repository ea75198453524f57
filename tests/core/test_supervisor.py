"""The supervisor behind `manage.py serve`, driven with small Python children instead of gunicorn/Celery."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apps.core.supervisor import ChildSpec, supervise

ROOT = Path(__file__).resolve().parents[2]


def sleeper(pidfile: Path) -> ChildSpec:
    code = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    return ChildSpec("sleeper", [sys.executable, "-c", code])


def exits_after(pidfile: Path, code: int) -> ChildSpec:
    # Waits for the sleeper to be up, so the test sees a running sibling being stopped.
    script = (
        f"import os, time\nwhile not os.path.exists({str(pidfile)!r}): time.sleep(0.02)\n"
        f"raise SystemExit({code})"
    )
    return ChildSpec("crasher", [sys.executable, "-c", script])


def wait_for(path: Path, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.02)
    return int(path.read_text())


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_child_exiting_stops_the_others_and_returns_its_code(tmp_path):
    pidfile = tmp_path / "pid"
    messages: list[str] = []

    code = supervise([sleeper(pidfile), exits_after(pidfile, 3)], grace_seconds=5, log=messages.append)

    assert code == 3
    assert not is_running(int(pidfile.read_text()))
    assert "crasher exited with code 3; stopping the others" in messages


def test_a_child_exiting_cleanly_still_counts_as_a_failure(tmp_path):
    pidfile = tmp_path / "pid"

    assert supervise([sleeper(pidfile), exits_after(pidfile, 0)], grace_seconds=5, log=lambda m: None) == 1


def test_a_child_that_cannot_start_stops_the_ones_already_started(tmp_path):
    pidfile = tmp_path / "pid"

    with pytest.raises(FileNotFoundError):
        supervise(
            [sleeper(pidfile), ChildSpec("missing", [str(tmp_path / "no-such-program")])], log=lambda m: None
        )


def start_supervisor(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    pidfile = tmp_path / "pid"
    script = (
        "import sys\n"
        "from apps.core.supervisor import ChildSpec, supervise\n"
        f"sys.exit(supervise([ChildSpec('sleeper', {sleeper(pidfile).argv!r})], grace_seconds=5))\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    return process, wait_for(pidfile)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_the_children_and_exits_zero(tmp_path, signum):
    process, child_pid = start_supervisor(tmp_path)
    try:
        process.send_signal(signum)

        assert process.wait(timeout=15) == 0
        assert wait_gone(child_pid)
    finally:
        process.kill()
        process.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_children_die_with_a_killed_supervisor(tmp_path):
    process, child_pid = start_supervisor(tmp_path)

    process.kill()
    process.wait()

    assert wait_gone(child_pid)
