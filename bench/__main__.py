"""`make bench`: run every benchmark and print one summary line per measurement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import dbs

ROOT = Path(__file__).resolve().parent.parent


def _run_part(backend: str, part: str, database_url: str, contacts: int) -> dict[str, float]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="true",
        SECRET_KEY="bench",
        DATA_DIR=str(Path(dbs.sqlite_path()).parent),
        LOG_LEVEL="WARNING",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.ingest",
            "--backend",
            backend,
            "--part",
            part,
            "--contacts",
            str(contacts),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"bench.ingest {backend} {part} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ingest_bench(backend: str, contacts: int) -> None:
    if backend == "postgresql":
        name = dbs.pg_create()
        url = dbs.pg_url_for(name)
    else:
        name, url = "", f"sqlite:///{dbs.sqlite_path()}"
    try:
        raw = _run_part(backend, "raw", url, contacts)
        service = _run_part(backend, "service", url, contacts)
    finally:
        if name:
            dbs.pg_drop(name)
    for phase in ("insert", "update"):
        raw_rate = contacts / raw[f"{phase}_s"]
        svc_rate = contacts / service[f"{phase}_s"]
        print(
            f"ingest {backend:<10} {phase:<6} {contacts} contacts: service {svc_rate:,.0f}/s, "
            f"raw {raw_rate:,.0f}/s, ratio {svc_rate / raw_rate:.2f}x"
        )
    service_mb, raw_mb = service["peak_rss_mb"], raw["peak_rss_mb"]
    print(f"ingest {backend:<10} peak memory: service {service_mb:.0f} MB, raw {raw_mb:.0f} MB")


def dashboard_bench() -> None:
    name = dbs.pg_create()
    try:
        env = dict(
            os.environ,
            DATABASE_URL=dbs.pg_url_for(name),
            DEBUG="true",
            SECRET_KEY="bench",
            DJANGO_SETTINGS_MODULE="contacts_admin.settings",
            LOG_LEVEL="WARNING",
            DATA_DIR=str(Path(dbs.sqlite_path()).parent),
        )
        subprocess.run([sys.executable, "-m", "bench.dashboard"], cwd=ROOT, env=env, check=True)
    finally:
        dbs.pg_drop(name)


def main() -> None:
    """`python -m bench [ingest] [dashboard] [sync] [bulk]` — all of them without arguments."""
    contacts = int(os.environ.get("BENCH_CONTACTS", "200000"))
    only = set(sys.argv[1:])
    if not only or "ingest" in only:
        ingest_bench("postgresql", contacts)
        sqlite_contacts = int(os.environ.get("BENCH_SQLITE_CONTACTS", str(contacts)))
        if sqlite_contacts:  # BENCH_SQLITE_CONTACTS=0 skips the SQLite run
            ingest_bench("sqlite", sqlite_contacts)
    if not only or "dashboard" in only:
        dashboard_bench()
    http_parts = only & {"sync", "bulk"} if only else {"sync", "bulk"}
    if http_parts:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contacts_admin.test_settings")
        from bench import http

        for part in sorted(http_parts, reverse=True):
            for line in http.main({part}):
                print(line, flush=True)


if __name__ == "__main__":
    main()
