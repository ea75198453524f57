"""HTTP benchmarks against real processes: gunicorn + a Celery worker on PostgreSQL and Redis.

sync  — the synchronous upserts (Notifuse contacts.upsert, Trustmary POST /contacts, eSputnik POST /contact)
        under 8 concurrent clients, as a ratio of a trivial authenticated endpoint (GET /api/v1/auth/check)
        measured in the same run, in interleaved rounds.
bulk  — N contacts posted as Customerscore requests of 100 (8 concurrent clients) and as PUSHTech bulks of
        5000: accept latency (p50/p99) and contacts/s from the first request until every contact is stored,
        as a ratio of the raw COPY + upsert rate measured in the same run on the same server.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import LoadResult, run_load
from tests.e2e.stack import Stack, running_stack

CLIENTS = 8
# gunicorn as the README runs it in production: 2 * cores + 1 sync workers.
WEB_WORKERS = 2 * len(os.sched_getaffinity(0)) + 1
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _headers_json(**extra: str) -> dict[str, str]:
    return {"Content-Type": "application/json", **extra}


def _setup(stack: Stack) -> tuple[str, str]:
    workspace_id = stack.manage("create_workspace", "Bench").strip()
    key = stack.manage("create_api_key", workspace_id, "--name", "bench").strip()
    return workspace_id, key


def sync_bench(seconds: float, rounds: int = 5) -> list[str]:
    """Each endpoint gets `seconds` of load in all, in `rounds` turns taken in rotation (trivial, Notifuse,
    Trustmary, eSputnik, trivial, …), so a drift of the shared machine's speed during the run weighs on
    every endpoint alike instead of on whichever ran during it. Each upsert creates a new contact."""
    lines = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(
            Path(tmp),
            PG_SERVER,
            web_workers=WEB_WORKERS,
            RATE_LIMIT_API="",
            RATE_LIMIT_NOTIFUSE="",
            RATE_LIMIT_TRUSTMARY="",
            RATE_LIMIT_ESPUTNIK="",
        ) as stack,
    ):
        workspace_id, key = _setup(stack)
        bearer = {"Authorization": f"Bearer {key}"}
        basic = base64.b64encode(f"bench:{key}".encode()).decode()

        def trivial(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            return "GET", "/api/v1/auth/check", None, bearer

        def notifuse(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            body = {
                "workspace_id": workspace_id,
                "contact": {
                    "email": f"nf{n}@example.com",
                    "first_name": "Nina",
                    "last_name": f"N{n}",
                    "country": "CZ",
                    "custom_string_1": "gold",
                    "custom_number_1": n,
                },
            }
            return "POST", "/notifuse/api/contacts.upsert", json.dumps(body).encode(), _headers_json(**bearer)

        def trustmary(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            body = {"email": f"tm{n}@example.com", "name": f"Tom {n}", "eid": f"tm-{n}", "company": "Acme"}
            return (
                "POST",
                "/trustmary/v1/contacts",
                json.dumps(body).encode(),
                _headers_json(Authorization=f"Apikey {key}"),
            )

        def esputnik(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
            body = {
                "firstName": "Eva",
                "lastName": f"E{n}",
                "externalCustomerId": f"es-{n}",
                "channels": [{"type": "email", "value": f"es{n}@example.com"}],
                "address": {"city": "Brno", "country": "CZ"},
            }
            return (
                "POST",
                "/esputnik/api/v1/contact",
                json.dumps(body).encode(),
                _headers_json(Authorization=f"Basic {basic}"),
            )

        endpoints = {
            "trivial GET /api/v1/auth/check": trivial,
            "Notifuse contacts.upsert": notifuse,
            "Trustmary POST /contacts": trustmary,
            "eSputnik POST /v1/contact": esputnik,
        }
        # Warm-up: every endpoint once under load, so no process meets its first request while timed.
        for make in endpoints.values():
            run_load(stack.base_url, make, clients=CLIENTS, duration=1)
        # Bodies are built before the clock starts, so the clients' own JSON encoding (which runs on the
        # same two cores) does not count against the endpoints that take a body.
        prebuilt = {
            name: [make(n) for n in range(10**6, 10**6 + int(seconds * 4000))]
            for name, make in endpoints.items()
        }
        sequence = {name: itertools.count() for name in endpoints}
        results: dict[str, LoadResult] = {name: LoadResult() for name in endpoints}
        for _ in range(rounds):
            for name in endpoints:
                bodies, counter = prebuilt[name], sequence[name]
                turn = run_load(
                    stack.base_url,
                    lambda n, bodies=bodies, counter=counter: bodies[next(counter)],  # type: ignore[misc]
                    clients=CLIENTS,
                    duration=seconds / rounds,
                )
                results[name].merge(turn)
        for name, result in results.items():
            ok = result.statuses.get(200, 0)
            if ok != result.count:
                raise SystemExit(f"{name}: unexpected statuses {result.statuses}")
        trivial_rate = results["trivial GET /api/v1/auth/check"].rate
        for name, result in results.items():
            line = (
                f"http sync  {name}: {result.rate:,.0f} req/s "
                f"(p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms)"
            )
            if not name.startswith("trivial"):
                line += f", ratio to trivial {result.rate / trivial_rate:.2f}x"
            lines.append(line)
    return lines


def _wait_stored(stack: Stack, expected: int, timeout: float = 1800) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = stack.sql("SELECT count(*) FROM imports_importjob WHERE status IN ('completed', 'failed')")[0][
            0
        ]
        total = stack.sql("SELECT count(*) FROM imports_importjob")[0][0]
        if total and done == total:
            return time.perf_counter()
        time.sleep(0.25)
    raise SystemExit(f"jobs not finished after {timeout}s:\n{stack.logs()}")


def bulk_bench(contacts: int) -> list[str]:
    lines: list[str] = []
    from bench import dbs

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(
            Path(tmp),
            PG_SERVER,
            web_workers=WEB_WORKERS,
            RATE_LIMIT_CUSTOMERSCORE="",
            RATE_LIMIT_PUSHTECH="",
        ) as stack,
    ):
        workspace_id, key = _setup(stack)
        cs_headers = _headers_json(**{"customerscore-key": key})
        customers = {"customers": [{"external_id": f"CUST{c}", "name": f"Customer {c}"} for c in range(100)]}
        run_load(
            stack.base_url,
            iter([("POST", "/customerscore/api/v1/customers", json.dumps(customers).encode(), cs_headers)]),
            clients=1,
            total=1,
        )
        _wait_stored(stack, 1)

        def cs_request(n: int, prefix: str = "CS") -> tuple[str, str, bytes, dict[str, str]]:
            items = [
                {
                    "customer_external_id": f"CUST{(n * 100 + i) % 100}",
                    "contact_external_id": f"{prefix}{n * 100 + i}",
                    "contact_name": f"Contact {n * 100 + i}",
                    "attributes": {"email": f"{prefix.lower()}{n * 100 + i}@example.com"},
                    "metrics": [],
                }
                for i in range(100)
            ]
            return (
                "POST",
                "/customerscore/api/v1/contacts",
                json.dumps({"contacts": items}).encode(),
                cs_headers,
            )

        # Warm-up: each web worker answers a few requests (its first one imports and connects) and the
        # worker applies them, before the clock starts. Their contacts are not counted below.
        run_load(
            stack.base_url,
            lambda n: cs_request(n, prefix="WARM"),
            clients=CLIENTS,
            total=4 * WEB_WORKERS,
        )
        _wait_stored(stack, 0)
        bodies = [cs_request(n) for n in range(contacts // 100)]  # built before the clock starts
        started = time.perf_counter()
        accepted = run_load(stack.base_url, lambda n: bodies[n], clients=CLIENTS, total=len(bodies))
        finished = _wait_stored(stack, contacts)
        stored = stack.sql("SELECT count(*) FROM contacts_contact WHERE external_id LIKE 'CS%%'")[0][0]
        if stored != contacts:
            raise SystemExit(f"Customerscore: {stored} of {contacts} contacts stored")
        cs_rate = stored / (finished - started)
        lines.append(
            f"http bulk  Customerscore {contacts} contacts in requests of 100, {CLIENTS} clients: accept "
            f"p50 {accepted.p50_ms:.1f} ms, p99 {accepted.p99_ms:.1f} ms; stored {stored} at "
            f"{cs_rate:,.0f} contacts/s end to end"
        )

        pt_headers = _headers_json(Authorization=f"Token token={key}")

        def pt_request(n: int) -> tuple[str, str, bytes, dict[str, str]]:
            items = [
                {"email": f"pt{n * 5000 + i}@example.com", "name_first": "P", "user_id": f"PT{n * 5000 + i}"}
                for i in range(5000)
            ]
            body = {"contacts": items, "match_contact_user_id": True}
            return (
                "POST",
                f"/pushtech/api/v2/account/{workspace_id}/contact/bulk",
                json.dumps(body).encode(),
                pt_headers,
            )

        pt_bodies = [pt_request(n) for n in range(contacts // 5000)]  # built before the clock starts
        started = time.perf_counter()
        pt_accept = run_load(stack.base_url, lambda n: pt_bodies[n], clients=2, total=len(pt_bodies))
        finished = _wait_stored(stack, contacts)
        stored_pt = stack.sql("SELECT count(*) FROM contacts_contact WHERE external_id LIKE 'PT%%'")[0][0]
        if stored_pt != contacts:
            raise SystemExit(f"PUSHTech: {stored_pt} of {contacts} contacts stored")
        pt_rate = stored_pt / (finished - started)
        lines.append(
            f"http bulk  PUSHTech {contacts} contacts in bulks of 5000: accept p50 {pt_accept.p50_ms:.0f} "
            f"ms, p99 {pt_accept.p99_ms:.0f} ms; stored {stored_pt} at {pt_rate:,.0f} contacts/s end to end"
        )

    # The raw limit of this machine, same server, same run.
    name = dbs.pg_create()
    try:
        from bench.__main__ import _run_part

        raw = _run_part("postgresql", "raw", dbs.pg_url_for(name), contacts)
    finally:
        dbs.pg_drop(name)
    raw_rate = contacts / raw["insert_s"]
    lines.append(
        f"http bulk  raw COPY + upsert: {raw_rate:,.0f} contacts/s; ratios end to end: Customerscore "
        f"{cs_rate / raw_rate:.2f}x, PUSHTech {pt_rate / raw_rate:.2f}x"
    )
    return lines


def main(which: set[str]) -> list[str]:
    lines: list[str] = []
    if not which or "sync" in which:
        lines += sync_bench(float(os.environ.get("BENCH_HTTP_SECONDS", "20")))
    if not which or "bulk" in which:
        lines += bulk_bench(int(os.environ.get("BENCH_CONTACTS", "200000")))
    return lines


def _print(lines: list[Any]) -> None:
    for line in lines:
        print(line, flush=True)
