"""Issues a dialect finds outside the ingest (its own checks of values it drops), added to a finished job's
report. The job runner records what the ingest reports; a translator's own warnings about a record it hands
on have no slot there, so the dialect adds them when the job completes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from apps.imports.models import ImportIssue, ImportItem, ImportJob
from apps.ingest.records import Issue


@dataclass(frozen=True, slots=True)
class ItemIssue:
    item_index: int
    identity: str
    issue: Issue


def import_issues_append(*, job_id: int, issues: Sequence[ItemIssue]) -> int:
    """Add the issues the job's report lacks (the same item, field, code and message is never added twice,
    so a second call adds nothing); the job's warning count follows. Returns how many were added."""
    if not issues:
        return 0
    with transaction.atomic():
        ImportJob.objects.select_for_update().only("id").get(pk=job_id)
        # A range, not an IN list: a job has thousands of items (and SQLite a limit on parameters).
        span = {
            "item_index__gte": min(i.item_index for i in issues),
            "item_index__lte": max(i.item_index for i in issues),
        }
        codes = {i.issue.code for i in issues}
        present = set(
            ImportIssue.objects.filter(job_id=job_id, code__in=codes, **span).values_list(
                "item_index", "field", "code", "message"
            )
        )
        outcomes = dict(ImportItem.objects.filter(job_id=job_id, **span).values_list("item_index", "outcome"))
        new = []
        for item in issues:
            key = (item.item_index, item.issue.path[:255], item.issue.code[:64], item.issue.message)
            if key in present:
                continue
            present.add(key)
            new.append(
                ImportIssue(
                    job_id=job_id,
                    item_index=item.item_index,
                    identity=item.identity[:255],
                    outcome=outcomes.get(item.item_index, ""),
                    severity=item.issue.severity,
                    field=key[1],
                    code=key[2],
                    message=key[3],
                )
            )
        ImportIssue.objects.bulk_create(new)
        warnings = sum(1 for i in new if i.severity == "warning")
        if warnings:
            ImportJob.objects.filter(pk=job_id).update(warnings=F("warnings") + warnings)
    return len(new)
