"""Server time of the dashboard's heavy pages against the current database.

    manage.py bench_dashboard --workspace <public_id> [--user <username>] [--runs 7]

Each page is requested through Django's full stack (middleware, sessions, templates) in-process, after one
warm-up request; the median and worst of the runs and the page's query count are printed. Seed a large
workspace first with `manage.py seed_contacts`.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.contacts.models import Contact
from apps.dashboard.keyset import encode_cursor
from apps.imports.models import ImportJob
from apps.workspaces.models import Membership
from apps.workspaces.selectors import workspace_get_by_public_id

BUDGET_MS = 300


class Command(BaseCommand):
    help = (
        "Time the contacts list (with an attribute filter), contact detail and other heavy dashboard pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="the workspace's public id")
        parser.add_argument("--user", help="a member of the workspace (default: its first admin)")
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--attr", default="plan", help="attribute codename to filter by")
        parser.add_argument("--value", default="enterprise", help="value of that attribute")
        parser.add_argument(
            "--budget-ms",
            type=float,
            default=BUDGET_MS,
            help=f"fail when a budgeted page's median is slower (default {BUDGET_MS}; 0 turns the check off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_get_by_public_id(options["workspace"])
        if workspace is None:
            raise CommandError(f"no workspace with public id {options['workspace']!r}")
        memberships = Membership.objects.filter(workspace=workspace).select_related("user").order_by("-role")
        if options["user"]:
            memberships = memberships.filter(user__username=options["user"])
        membership = memberships.first()
        if membership is None:
            raise CommandError("the workspace has no such member: pass --user <username> of a member")
        host = next(
            (h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), "localhost"
        )
        client = Client(SERVER_NAME=host)
        client.force_login(membership.user)

        live = Contact.objects.filter(workspace=workspace, deleted_at__isnull=True)
        newest = live.order_by("-created_at", "-id").values_list("public_id", flat=True).first()
        deep = live.order_by("created_at", "id").values_list("public_id", flat=True).first()
        attr = {"attr": options["attr"], "attr_value": options["value"]}
        # A cursor 60 rows before the end of the default order: the deepest page costs what the first does.
        near_end = list(live.order_by("created_at", "id").values_list("created_at", "id")[60:61])
        deep_cursor = encode_cursor("n", list(near_end[0])) if near_end else ""
        rare = {"attr": "score", "attr_value": "5"}
        pages: list[tuple[str, str, dict[str, str]]] = [
            ("contacts list", reverse("dashboard:contacts"), {}),
            ("contacts list, attribute filter", reverse("dashboard:contacts"), attr),
            (
                "contacts list, attribute filter, by email",
                reverse("dashboard:contacts"),
                {**attr, "sort": "email"},
            ),
            ("contacts list, last page", reverse("dashboard:contacts"), {"cursor": deep_cursor}),
            ("contacts list, rare attribute value", reverse("dashboard:contacts"), rare),
            (
                "contacts list, search by email",
                reverse("dashboard:contacts"),
                {"q": "seed-123456@example.test"},
            ),
        ]
        if newest:
            pages.append(("contact detail", reverse("dashboard:contact_detail", args=[newest]), {}))
        if deep and deep != newest:
            pages.append(("contact detail (oldest)", reverse("dashboard:contact_detail", args=[deep]), {}))
        pages.append(("import history", reverse("dashboard:imports"), {}))
        biggest = (
            ImportJob.objects.filter(workspace=workspace)
            .order_by("-received")
            .values_list("public_id", flat=True)
        ).first()
        if biggest:
            pages.append(
                ("import detail (largest job)", reverse("dashboard:import_detail", args=[biggest]), {})
            )
        pages += [
            ("customers", reverse("dashboard:customers"), {}),
            ("lists", reverse("dashboard:lists"), {}),
            ("overview", reverse("dashboard:overview"), {}),
            ("overview counts and chart (loaded after)", reverse("dashboard:overview"), {"part": "activity"}),
        ]
        self.stdout.write(
            f"{live.count():,} live contacts in {workspace.name}; median of {options['runs']} runs"
        )
        failed = False
        budget = options["budget_ms"]
        for name, url, params in pages:
            median, worst, queries = self._time(client, url, params, options["runs"])
            budgeted = name.startswith(("contacts list", "contact detail", "import"))
            mark = ""
            if budgeted and budget > 0:
                over = median > budget
                failed |= over
                mark = self.style.ERROR(" over budget") if over else self.style.SUCCESS(" ok")
            self.stdout.write(
                f"{name:44} {median:8.1f} ms  (worst {worst:7.1f} ms, {queries:2} queries){mark}"
            )
        if failed:
            raise CommandError(f"a budgeted page took more than {budget:g} ms")

    @staticmethod
    def _time(client: Client, url: str, params: dict[str, str], runs: int) -> tuple[float, float, int]:
        response = client.get(url, params)  # warm-up: caches, the session's workspace
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        return statistics.median(timings), max(timings), len(captured.captured_queries)
