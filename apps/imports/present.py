"""The hub's own representation of an import job (native API; dialects render their own)."""

from __future__ import annotations

from typing import Any

from apps.imports.models import ImportJob


def import_job_as_dict(job: ImportJob, *, issues_limit: int = 100) -> dict[str, Any]:
    issues = list(job.issues.order_by("item_index", "id")[:issues_limit])
    return {
        "id": job.public_id,
        "source": job.source,
        "kind": job.kind,
        "status": job.status,
        "received": job.received,
        "processed": job.processed,
        "counts": {
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "skipped": job.skipped,
            "failed": job.failed,
            "warnings": job.warnings,
        },
        "attempts": job.attempts,
        "error": job.error or None,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "issues": [
            {
                "item_index": i.item_index,
                "identity": i.identity,
                "outcome": i.outcome,
                "severity": i.severity,
                "field": i.field,
                "code": i.code,
                "message": i.message,
            }
            for i in issues
        ],
        "issues_truncated": job.issues.count() > issues_limit if len(issues) == issues_limit else False,
    }
