"""Import jobs: stored before the client hears 2xx, run chunk by chunk by a worker, exactly once in effect.

- `import_job_create` stores the payload and enqueues after commit. If the broker is down, the job stays
  queued and the sweeper (`import_jobs_sweep`, every minute) queues it again.
- `import_job_run` claims the job, then applies it chunk by chunk. Each chunk's writes, its issues, its
  counts and the job's `processed` offset commit in ONE transaction, under a lock on the job row that also
  checks the claim: a redelivered task (worker killed) resumes after the last committed chunk, and a second
  worker can never apply a chunk twice or count it twice.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.imports.models import ImportIssue, ImportItem, ImportJob, ImportStatus
from apps.imports.registry import BulkPlan, ItemRejected, bulk_dialect_get
from apps.ingest.customers import customers_ingest
from apps.ingest.records import IngestSource, Outcome, RecordResult
from apps.ingest.services import contacts_ingest, definitions_load

logger = logging.getLogger(__name__)

COUNTED = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "failed",
}


class ClaimLost(Exception):
    """Another worker holds the job now; stop without writing."""


def import_job_create(
    *,
    workspace_id: int,
    source: str,
    payload: bytes,
    received: int,
    kind: str = "contacts",
    options: dict[str, Any] | None = None,
    api_key_id: int | None = None,
    user_id: int | None = None,
    webhook_url: str = "",
    payload_file: str = "",
) -> ImportJob:
    """Store the job durably, then queue it once the transaction commits."""
    job = ImportJob.objects.create(
        workspace_id=workspace_id,
        source=source,
        kind=kind,
        payload=payload,
        payload_file=payload_file,
        received=received,
        options=options or {},
        api_key_id=api_key_id,
        created_by_id=user_id,
        webhook_url=webhook_url,
    )
    transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk))
    return job


def import_job_enqueue(*, job_id: int) -> bool:
    """Queue the job's task. A broker that is down is not the client's problem: the sweeper retries."""
    from apps.imports.tasks import import_job_run_task

    try:
        import_job_run_task.apply_async(args=(job_id,), retry=False)
    except Exception:
        logger.warning(
            "could not queue import job %s (broker unreachable?); the sweeper will", job_id, exc_info=True
        )
        return False
    return True


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_STALE_SECONDS)


def import_job_claim(*, job_id: int, token: str) -> ImportJob | None:
    """Take the job for this run, or None when it is finished or another live run holds it."""
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ImportStatus.COMPLETED, ImportStatus.FAILED):
            return None
        held_elsewhere = (
            job.status == ImportStatus.RUNNING
            and job.claimed_by != token
            and job.heartbeat_at is not None
            and job.heartbeat_at > _stale_before()
        )
        if held_elsewhere:
            return None
        if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            job.status = ImportStatus.FAILED
            job.error = job.error or "gave up"
            job.error = f"Gave up after {job.attempts} attempts. Last error: {job.error}"
            job.finished_at = now
            job.save(update_fields=["status", "error", "finished_at"])
            return None
        job.status = ImportStatus.RUNNING
        job.claimed_by = token
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["status", "claimed_by", "attempts", "started_at", "heartbeat_at"])
        return job


@dataclass
class _Chunk:
    offset: int
    results: list[RecordResult]


def import_job_run(*, job_id: int, token: str) -> ImportJob | None:
    """Run (or resume) the job; returns it when this run finished it."""
    job = import_job_claim(job_id=job_id, token=token)
    if job is None:
        return None
    dialect = bulk_dialect_get(job.source)
    try:
        plan = dialect.plan(orjson.loads(bytes(job.payload or b"{}")), job.options)
        plan = bulk_plan_only_items(plan, job.options.get(ONLY_ITEMS_OPTION))
        _apply_plan(job, plan, token, record_items=dialect.record_items)
        return _job_finish(job, token, dialect.on_complete)
    except ClaimLost:
        logger.info("import job %s: claim lost to another run", job.pk)
        return None
    except Exception as exc:
        _job_error(job, token, exc)
        raise


def _apply_plan(job: ImportJob, plan: BulkPlan, token: str, *, record_items: bool) -> None:
    size = settings.INGEST_CHUNK_SIZE
    defs = definitions_load(workspace_id=job.workspace_id) if plan.kind == "contacts" else None
    source = IngestSource(
        name=job.source, import_job_id=job.pk, api_key_id=job.api_key_id, user_id=job.created_by_id
    )
    offset = job.processed
    total = plan.count()
    if job.received != total:
        ImportJob.objects.filter(pk=job.pk).update(received=total)
    items_iter = plan.items_from(offset)
    while offset < total:
        items = list(itertools.islice(items_iter, size))
        if not items:
            break
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().only("claimed_by", "processed").get(pk=job.pk)
            if locked.claimed_by != token or locked.processed != offset:
                raise ClaimLost
            results = _ingest_items(job, plan, items, offset, source, defs)
            _record_chunk(job, results, items, record_items)
            offset += len(items)
    job.processed = offset


def _ingest_items(
    job: ImportJob, plan: BulkPlan, items: list[Any], offset: int, source: IngestSource, defs: Any
) -> list[RecordResult]:
    results: list[RecordResult | None] = [None] * len(items)
    records, positions = [], []
    for pos, item in enumerate(items):
        if isinstance(item, ItemRejected):
            results[pos] = RecordResult(
                offset + pos, Outcome(item.outcome), item.identity, issues=item.issues
            )
        else:
            records.append(item)
            positions.append(pos)
    if records:
        if plan.kind == "customers":
            done = customers_ingest(workspace_id=job.workspace_id, records=records)
        else:
            done = contacts_ingest(
                workspace_id=job.workspace_id,
                records=records,
                policy=plan.policy,
                source=source,
                chunk_size=len(records),
                definitions=defs,
            ).results
        for pos, result in zip(positions, done, strict=True):
            result.index = offset + pos
            results[pos] = result
    return [r for r in results if r is not None]


def _record_chunk(job: ImportJob, results: list[RecordResult], items: list[Any], record_items: bool) -> None:
    issues = [
        ImportIssue(
            job_id=job.pk,
            item_index=r.index,
            identity=r.identity[:255],
            outcome=r.outcome.value,
            severity=i.severity,
            field=i.path[:255],
            code=i.code[:64],
            message=i.message,
        )
        for r in results
        for i in r.issues
    ]
    ImportIssue.objects.bulk_create(issues)
    if record_items:
        ImportItem.objects.bulk_create(
            [
                ImportItem(
                    job_id=job.pk,
                    item_index=r.index,
                    outcome=r.outcome.value,
                    contact_id=r.contact_id if r.outcome not in (Outcome.SKIPPED, Outcome.FAILED) else None,
                )
                for r in results
            ]
        )
    tally = Counter(COUNTED[r.outcome] for r in results)
    ImportJob.objects.filter(pk=job.pk).update(
        **{name: F(name) + n for name, n in tally.items()},
        warnings=F("warnings") + sum(1 for i in issues if i.severity == "warning"),
        processed=F("processed") + len(items),
        heartbeat_at=timezone.now(),
    )


def _job_finish(job: ImportJob, token: str, on_complete: Any) -> ImportJob | None:
    """Mark the job completed and run the dialect's completion hook (e.g. create its webhook deliveries) in
    the same transaction: a worker that dies in between leaves the job to be finished again, hook included."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.claimed_by != token or locked.status != ImportStatus.RUNNING:
            raise ClaimLost
        locked.status = ImportStatus.COMPLETED
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["status", "finished_at", "error"])
        if on_complete is not None:
            on_complete(locked)
        return locked


def _job_error(job: ImportJob, token: str, exc: Exception) -> None:
    """Leave the job queued for another attempt (bounded by IMPORT_MAX_ATTEMPTS) with the reason."""
    logger.exception("import job %s failed on attempt %s", job.pk, job.attempts)
    ImportJob.objects.filter(pk=job.pk, claimed_by=token).update(
        status=ImportStatus.QUEUED, claimed_by="", error=f"{type(exc).__name__}: {exc}"[:2000]
    )


def import_jobs_sweep() -> int:
    """Queue again the jobs nobody is working on: queued too long (broker was down) or running with a
    silent worker. Returns how many were queued."""
    cutoff = _stale_before()
    queued_cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_QUEUED_STALE_SECONDS)
    waiting = list(
        ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=queued_cutoff).values_list(
            "pk", flat=True
        )
    )
    stalled = list(
        ImportJob.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    queued = 0
    for job_id in [*waiting, *stalled]:
        queued += import_job_enqueue(job_id=job_id)
    return queued


# --- Re-running the failed items of a job ------------------------------------------------------------------

ONLY_ITEMS_OPTION = "only_items"  # positions in the plan of the stored payload that a job applies


def bulk_plan_only_items(plan: BulkPlan, positions: list[int] | None) -> BulkPlan:
    """The plan restricted to `positions` (ascending), streamed; the plan itself when there is no list."""
    if positions is None:
        return plan
    wanted = sorted(set(positions))

    def iterate(start: int) -> Any:
        chosen = iter(wanted[start:])
        following = next(chosen, None)
        for position, item in enumerate(plan.items_from(0)):
            if following is None:
                return
            if position == following:
                yield item
                following = next(chosen, None)

    return BulkPlan(policy=plan.policy, kind=plan.kind, total=len(wanted), iterate=iterate)


def import_job_failed_positions(*, job: ImportJob) -> list[int]:
    """Positions of the job's items that were skipped or failed (its item log and its issues)."""
    bad = (Outcome.SKIPPED.value, Outcome.FAILED.value)
    items = ImportItem.objects.filter(job=job, outcome__in=bad).values_list("item_index", flat=True)
    issues = ImportIssue.objects.filter(job=job, outcome__in=bad).values_list("item_index", flat=True)
    return sorted({*items, *issues})


def import_job_rerun_failed(*, job: ImportJob, user_id: int | None) -> ImportJob:
    """A new job that applies again only the items of `job` that were skipped or failed (after the cause
    was fixed: an attribute defined, a customer created...). It reuses the stored payload; the dialect's
    plan of it gives the items, and the new job's options name their positions, so a re-run of a re-run
    still points into the original payload. No webhook is sent for it: the vendor asked for the original."""
    if job.status not in (ImportStatus.COMPLETED, ImportStatus.FAILED):
        raise ApplicationError("The import is still running; re-run its failed items once it has finished.")
    if job.options.get("dry_run"):
        raise ApplicationError("A dry run wrote nothing; run the import itself instead.")
    try:
        dialect = bulk_dialect_get(job.source)
    except LookupError:
        raise ApplicationError(f"Imports from {job.get_source_display()} cannot be re-run.") from None
    payload = bytes(ImportJob.objects.values_list("payload", flat=True).get(pk=job.pk) or b"{}")
    plan = dialect.plan(orjson.loads(payload), job.options)
    base = job.options.get(ONLY_ITEMS_OPTION)
    total = len(base) if base is not None else plan.count()
    positions = [p for p in import_job_failed_positions(job=job) if p < total]
    if not positions:
        raise ApplicationError("No item of this import was skipped or failed: there is nothing to re-run.")
    original = [base[p] for p in positions] if base is not None else positions
    return import_job_create(
        workspace_id=job.workspace_id,
        source=job.source,
        kind=job.kind,
        payload=payload,
        payload_file=job.payload_file,
        received=len(original),
        options={**job.options, ONLY_ITEMS_OPTION: original, "rerun_of": job.public_id},
        user_id=user_id,
    )
