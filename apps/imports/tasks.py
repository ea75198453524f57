"""Celery tasks: thin interfaces over the import services (they must be idempotent: acks are late)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from apps.imports import services, webhooks


# Results are not kept: a job's state lives in its ImportJob row. Without this, every publish would also
# subscribe to the result's channel (two more round trips to the broker on each accepted bulk request).
@shared_task(bind=True, name="imports.run_job", max_retries=None, ignore_result=True)
def import_job_run_task(self: Any, job_id: int) -> str:
    try:
        job = services.import_job_run(job_id=job_id, token=self.request.id or f"eager-{job_id}")
    except Exception as exc:
        # The job is queued again with its reason; retry with backoff until IMPORT_MAX_ATTEMPTS ends it.
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    return job.status if job is not None else "not-claimed"


@shared_task(name="imports.sweep", ignore_result=True)
def import_jobs_sweep_task() -> int:
    return services.import_jobs_sweep()


@shared_task(name="imports.send_webhook", acks_late=True, ignore_result=True)
def webhook_delivery_send_task(delivery_id: int) -> str | None:
    delivery = webhooks.webhook_delivery_send(delivery_id=delivery_id)
    return delivery.status if delivery is not None else None


@shared_task(name="imports.webhooks_due", ignore_result=True)
def webhook_deliveries_due_task() -> int:
    return webhooks.webhook_deliveries_due()
