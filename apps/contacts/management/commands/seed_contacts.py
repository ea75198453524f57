"""Seed a workspace with synthetic contacts, through the ingest (the same path as every real write).

    manage.py seed_contacts --workspace <public_id> --count 1000000

Contacts get `seed-<n>@example.test` emails and `seed-<n>` external ids (re-running updates them instead of
duplicating), names, a country, and five typed custom attributes (plan, score, vip, signup_date, segment),
whose definitions are created when missing. Records go to the ingest a chunk at a time, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.attributes.models import AttributeDefinition
from apps.attributes.services import attribute_definition_create
from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
from apps.ingest.services import contacts_ingest, definitions_load
from apps.workspaces.selectors import workspace_get_by_public_id

FIRST = (
    "Ada",
    "Ben",
    "Cleo",
    "Dan",
    "Eva",
    "Finn",
    "Gia",
    "Hugo",
    "Iris",
    "Jan",
    "Kai",
    "Lena",
    "Max",
    "Nora",
)
LAST = ("Novak", "Smith", "Garcia", "Müller", "Rossi", "Dubois", "Kowalski", "Silva", "Berg", "Jansen", "Ito")
COUNTRIES = ("CZ", "DE", "FR", "ES", "IT", "PL", "NL", "SE", "GB", "US")
PLANS = ("free", "pro", "enterprise")
SEGMENTS = ("smb", "mid", "large", "public")
DEFINITIONS: tuple[tuple[str, str, list[str] | None], ...] = (
    ("plan", "choice", list(PLANS)),
    ("score", "number", None),
    ("vip", "boolean", None),
    ("signup_date", "date", None),
    ("segment", "string", None),
)


def seed_record(n: int, prefix: str, rng: random.Random) -> ContactRecord:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    signup = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
    attributes: dict[str, Any] = {
        "plan": rng.choice(PLANS),
        "score": rng.randrange(1000),
        "vip": rng.random() < 0.05,
        "signup_date": signup.isoformat(),
        "segment": rng.choice(SEGMENTS),
    }
    return ContactRecord(
        fields={
            "external_id": f"{prefix}-{n}",
            "email": f"{prefix}-{n}@example.test",
            "first_name": first,
            "last_name": last,
            "country": rng.choice(COUNTRIES),
        },
        attributes=attributes,
    )


class Command(BaseCommand):
    help = "Create (or update) synthetic contacts with typed attributes in a workspace, through the ingest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="the workspace's public id")
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--start", type=int, default=0, help="first contact number (to extend a seed)")
        parser.add_argument("--chunk", type=int, default=5000, help="records per ingest call")
        parser.add_argument("--prefix", default="seed")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same contacts)")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_get_by_public_id(options["workspace"])
        if workspace is None:
            raise CommandError(f"no workspace with public id {options['workspace']!r}")
        count, start, chunk, prefix = options["count"], options["start"], options["chunk"], options["prefix"]
        if count < 0 or chunk < 1:
            raise CommandError("--count must be >= 0 and --chunk >= 1")
        existing = set(
            AttributeDefinition.objects.filter(
                workspace=workspace, codename__in=[c for c, _, _ in DEFINITIONS]
            ).values_list("codename", flat=True)
        )
        for codename, type_, choices in DEFINITIONS:
            if codename not in existing:
                attribute_definition_create(
                    workspace=workspace, codename=codename, type=type_, choices=choices
                )
        definitions = definitions_load(workspace_id=workspace.id)
        source = IngestSource(name="dashboard", create_action="SEED_CREATE", update_action="SEED_UPDATE")
        policy = MatchPolicy(keys=("external_id",), mode="upsert")
        rng = random.Random(options["seed"])
        totals = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
        began = time.monotonic()
        done = 0
        for offset in range(start, start + count, chunk):
            end = min(offset + chunk, start + count)
            records = [seed_record(n, prefix, rng) for n in range(offset, end)]
            report = contacts_ingest(
                workspace_id=workspace.id,
                records=records,
                policy=policy,
                source=source,
                chunk_size=min(chunk, 1000),
                definitions=definitions,
            )
            for outcome, n in report.counts.items():
                totals[outcome] += n
            done += len(records)
            elapsed = time.monotonic() - began
            self.stdout.write(f"{done:,}/{count:,} contacts  {done / max(elapsed, 1e-9):,.0f}/s", ending="\r")
            self.stdout.flush()
        elapsed = time.monotonic() - began
        summary = ", ".join(f"{v:,} {k}" for k, v in totals.items() if v)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {count:,} contacts in {elapsed:.1f} s ({summary or 'nothing to do'})."
            )
        )
