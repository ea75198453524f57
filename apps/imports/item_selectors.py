"""Per-item reads of a job, a slice at a time (webhook parts): a fixed number of queries per slice."""

from __future__ import annotations

from apps.imports.models import ImportIssue, ImportItem


def import_items_between(*, job_id: int, start: int, stop: int, with_tags: bool = False) -> list[ImportItem]:
    """The job's items `start <= item_index < stop`, in order, each with its contact (and the contact's tags
    when asked: one more query)."""
    items = (
        ImportItem.objects.filter(job_id=job_id, item_index__gte=start, item_index__lt=stop)
        .select_related("contact")
        .order_by("item_index")
    )
    if with_tags:
        items = items.prefetch_related("contact__tags")
    return list(items)


def import_issues_between(*, job_id: int, start: int, stop: int) -> list[ImportIssue]:
    """The job's issues of the items `start <= item_index < stop`, in item order (one query)."""
    return list(
        ImportIssue.objects.filter(job_id=job_id, item_index__gte=start, item_index__lt=stop).order_by(
            "item_index", "id"
        )
    )
