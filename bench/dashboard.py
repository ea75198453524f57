"""Dashboard pages at scale: a fresh PostgreSQL database with N contacts (default 1,000,000, seeded through
the ingest service by `manage.py seed_contacts`) and import history (jobs with thousands of issues), then
`manage.py bench_dashboard` times the heavy pages through Django's full stack (budget: 300 ms each).

    python -m bench.dashboard [--contacts N]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--contacts", type=int, default=int(os.environ.get("BENCH_DASHBOARD_CONTACTS", "1000000"))
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.imports.models import ImportIssue, ImportJob
    from apps.workspaces.services import membership_set, workspace_create

    call_command("migrate", verbosity=0)
    workspace = workspace_create(name="Dashboard bench")
    user = get_user_model().objects.create_user(username="bench-admin", password=None)
    membership_set(workspace=workspace, user=user, role="admin")
    started = time.perf_counter()
    call_command("seed_contacts", workspace=workspace.public_id, count=args.contacts, verbosity=0)
    print(f"seeded {args.contacts:,} contacts in {time.perf_counter() - started:.0f} s", flush=True)
    jobs = ImportJob.objects.bulk_create(
        [
            ImportJob(
                workspace=workspace,
                source="pushtech",
                status="completed",
                received=5000,
                processed=5000,
                created=4000,
                skipped=1000,
            )
            for _ in range(2000)
        ]
    )
    big = jobs[-1]
    ImportJob.objects.filter(pk=big.pk).update(received=100000, processed=100000)
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(
                job=big,
                item_index=i,
                identity=f"p{i}@example.com",
                outcome="skipped",
                field="email",
                code="invalid_email",
                message="not a valid email address",
            )
            for i in range(20000)
        ],
        batch_size=5000,
    )
    # What autovacuum does on a live database after a bulk load: fresh statistics for the planner.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("bench_dashboard", workspace=workspace.public_id, user="bench-admin")


if __name__ == "__main__":
    main()
