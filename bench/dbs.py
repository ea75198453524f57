"""Throw-away databases for a benchmark run: a fresh PostgreSQL database or SQLite file per run."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import psycopg

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_url_for(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def pg_create() -> str:
    name = f"ca_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def pg_drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_path() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ca_bench_"))
    return folder / "bench.sqlite3"
