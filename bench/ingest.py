"""Ingest benchmark: N contacts (6 custom attributes, 3 metric dates each, half attached to customers)
through the ingest service, first inserted then all updated, against a raw baseline on the same database in
the same run (PostgreSQL: psycopg COPY into a staging table + one INSERT … ON CONFLICT per chunk; SQLite:
executemany of INSERT … ON CONFLICT). Prints contacts/s of both, their ratio and the peak memory.

Run one backend:  python -m bench.ingest --backend postgresql|sqlite [--contacts N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from typing import Any

import orjson

CHUNK = 1000
DATES = [dt.date(2025, 4, 27), dt.date(2025, 4, 28), dt.date(2025, 4, 29)]
CUSTOMERS = 500


def _attrs(i: int, gen: int) -> dict[str, Any]:
    return {
        "age": 20 + (i + gen) % 50,
        "is_admin": (i + gen) % 2 == 0,
        "plan": "pro" if (i + gen) % 3 else "free",
        "last_contacted_at": f"2025-0{1 + (i + gen) % 9}-1{(i + gen) % 9}",
        "nickname": f"nick-{i}-{gen}",
        "score": (i * 7 + gen) % 1000 / 10,
    }


def _metrics(i: int, gen: int) -> dict[dt.date, dict[str, Any]]:
    return {
        d: {"resolved_tickets": (i + n + gen) % 40, "user_status": "active" if gen else "new"}
        for n, d in enumerate(DATES)
    }


def _person(i: int, gen: int) -> dict[str, Any]:
    return {
        "external_id": f"C{i:07d}",
        "email": f"person{i}@example.com",
        "first_name": f"First{i}" if gen == 0 else f"Renamed{i}",
        "last_name": f"Last{i}",
        "city": "Brno" if i % 2 else "Praha",
        "language": "en",
    }


def service_records(n: int, gen: int) -> Iterator[Any]:
    from apps.ingest.records import ContactRecord

    for i in range(n):
        yield ContactRecord(
            fields=_person(i, gen),
            attributes=_attrs(i, gen),
            metrics=_metrics(i, gen),
            customer_external_id=f"CUST{i % CUSTOMERS}" if i % 2 == 0 else None,
        )


def setup_workspace(name: str) -> Any:
    from apps.attributes.services import attribute_definition_create, metric_definition_create
    from apps.contacts.models import Customer
    from apps.workspaces.services import workspace_create

    ws = workspace_create(name=name)
    for codename, type_, choices in [
        ("age", "number", None),
        ("is_admin", "boolean", None),
        ("plan", "choice", ["free", "pro"]),
        ("last_contacted_at", "date", None),
        ("nickname", "string", None),
        ("score", "number", None),
    ]:
        attribute_definition_create(workspace=ws, codename=codename, type=type_, choices=choices)
    metric_definition_create(workspace=ws, codename="resolved_tickets", type="number")
    metric_definition_create(workspace=ws, codename="user_status", type="string")
    Customer.objects.bulk_create(
        [Customer(workspace=ws, external_id=f"CUST{c}", name=f"Customer {c}") for c in range(CUSTOMERS)]
    )
    return ws


def run_service(ws: Any, n: int, gen: int) -> float:
    from apps.ingest.records import IngestSource, Outcome
    from apps.ingest.services import contacts_ingest

    expected = Outcome.CREATED if gen == 0 else Outcome.UPDATED
    bad = 0

    def check(results: list[Any]) -> None:
        nonlocal bad
        bad += sum(1 for r in results if r.outcome != expected)

    gc.collect()
    start = time.perf_counter()
    contacts_ingest(
        workspace_id=ws.id,
        records=service_records(n, gen),
        source=IngestSource(name="api"),
        chunk_size=CHUNK,
        on_chunk=check,
    )
    elapsed = time.perf_counter() - start
    if bad:
        raise SystemExit(f"service pass {gen}: {bad} records did not come out {expected}")
    return elapsed


def _customer_ids(ws: Any) -> dict[str, int]:
    from apps.contacts.models import Customer

    return dict(Customer.objects.filter(workspace=ws).values_list("external_id", "id"))


UPSERT_CONTACTS_SQL = (
    "INSERT INTO contacts_contact (workspace_id, public_id, type, status, created_at, updated_at, {cols}) "
    "SELECT %s, substr(md5(external_id), 1, 10), 'customer', 'active', %s, %s, {cols} FROM stage_c "
    "ON CONFLICT (workspace_id, external_id) DO UPDATE SET email = EXCLUDED.email, "
    "first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, city = EXCLUDED.city, "
    "language = EXCLUDED.language, customer_id = EXCLUDED.customer_id, "
    "attributes = contacts_contact.attributes || EXCLUDED.attributes, updated_at = EXCLUDED.updated_at"
)


def run_raw_postgres(ws: Any, n: int, gen: int) -> float:
    """The limit of this machine: COPY a chunk into a staging table, then one upsert statement."""
    from django.db import connection, transaction

    customers = _customer_ids(ws)
    now = dt.datetime.now(dt.UTC)
    cols = [
        "external_id",
        "email",
        "first_name",
        "last_name",
        "city",
        "language",
        "customer_id",
        "attributes",
    ]
    start = time.perf_counter()
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor underneath
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS stage_c (external_id text, email text, first_name text, "
            "last_name text, city text, language text, customer_id bigint, attributes jsonb)"
        )
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS stage_m (external_id text, date date, vals jsonb)")
        for lo in range(0, n, CHUNK):
            with transaction.atomic():
                cur.execute("TRUNCATE stage_c, stage_m")
                with cur.copy(f"COPY stage_c ({', '.join(cols)}) FROM STDIN") as copy:
                    for i in range(lo, min(lo + CHUNK, n)):
                        p = _person(i, gen)
                        copy.write_row(
                            (
                                p["external_id"],
                                p["email"],
                                p["first_name"],
                                p["last_name"],
                                p["city"],
                                p["language"],
                                customers.get(f"CUST{i % CUSTOMERS}") if i % 2 == 0 else None,
                                orjson.dumps(_attrs(i, gen)).decode(),
                            )
                        )
                with cur.copy("COPY stage_m (external_id, date, vals) FROM STDIN") as copy:
                    for i in range(lo, min(lo + CHUNK, n)):
                        for d, vals in _metrics(i, gen).items():
                            copy.write_row((f"C{i:07d}", d, orjson.dumps(vals).decode()))
                cur.execute(UPSERT_CONTACTS_SQL.format(cols=", ".join(cols)), (ws.id, now, now))
                cur.execute(
                    'INSERT INTO attributes_contactmetric (contact_id, date, "values") '
                    "SELECT c.id, m.date, m.vals FROM stage_m m JOIN contacts_contact c "
                    "ON c.workspace_id = %s AND c.external_id = m.external_id "
                    'ON CONFLICT (contact_id, date) DO UPDATE SET "values" = '
                    'attributes_contactmetric."values" || EXCLUDED."values"',
                    (ws.id,),
                )
    return time.perf_counter() - start


def run_raw_sqlite(ws: Any, n: int, gen: int) -> float:
    from django.db import connection, transaction

    customers = _customer_ids(ws)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    start = time.perf_counter()
    with connection.cursor() as cur:
        for lo in range(0, n, CHUNK):
            with transaction.atomic():
                rows = []
                for i in range(lo, min(lo + CHUNK, n)):
                    p = _person(i, gen)
                    rows.append(
                        (
                            ws.id,
                            f"r{i:09d}",
                            now,
                            now,
                            p["external_id"],
                            p["email"],
                            p["first_name"],
                            p["last_name"],
                            p["city"],
                            p["language"],
                            customers.get(f"CUST{i % CUSTOMERS}") if i % 2 == 0 else None,
                            orjson.dumps(_attrs(i, gen)).decode(),
                        )
                    )
                cur.executemany(
                    "INSERT INTO contacts_contact (workspace_id, public_id, created_at, updated_at, "
                    "external_id, "
                    "email, first_name, last_name, city, language, customer_id, attributes, type, status) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'customer', 'active') "
                    "ON CONFLICT (workspace_id, external_id) DO UPDATE SET email = excluded.email, "
                    "first_name = excluded.first_name, last_name = excluded.last_name, city = excluded.city, "
                    "language = excluded.language, customer_id = excluded.customer_id, "
                    "attributes = json_patch(contacts_contact.attributes, excluded.attributes), "
                    "updated_at = excluded.updated_at",
                    rows,
                )
                metric_rows = [
                    (ws.id, f"C{i:07d}", d.isoformat(), orjson.dumps(v).decode())
                    for i in range(lo, min(lo + CHUNK, n))
                    for d, v in _metrics(i, gen).items()
                ]
                cur.executemany(
                    'INSERT INTO attributes_contactmetric (contact_id, date, "values") '
                    "SELECT id, %s, %s FROM contacts_contact WHERE workspace_id = %s AND external_id = %s "
                    'ON CONFLICT (contact_id, date) DO UPDATE SET "values" = '
                    'json_patch(attributes_contactmetric."values", excluded."values")',
                    [(d, v, w, e) for w, e, d, v in metric_rows],
                )
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], required=True)
    parser.add_argument("--contacts", type=int, default=int(os.environ.get("BENCH_CONTACTS", "200000")))
    parser.add_argument("--part", choices=["service", "raw"], required=True)
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contacts_admin.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ws = setup_workspace(f"bench-{args.part}")
    run = (
        run_service
        if args.part == "service"
        else (run_raw_postgres if args.backend == "postgresql" else run_raw_sqlite)
    )
    insert = run(ws, args.contacts, 0)
    update = run(ws, args.contacts, 1)
    print(
        json.dumps(
            {"insert_s": insert, "update_s": update, "peak_rss_mb": peak_rss_mb(), "contacts": args.contacts}
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
