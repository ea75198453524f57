"""PUSHTech bulk endpoints: `POST /v2/account/:account_id/contact/bulk` (accepted as an import job, 201) and
the hub's `GET /v2/account/:account_id/contact/bulk/:bulk_id` (the job's status and report)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import MB
from apps.core.errors import ErrorDetail, NotFound, validation_error
from apps.core.parsers import BodyError, json_loads_strict
from apps.imports.registry import ItemRejected
from apps.imports.selectors import import_issues, import_job_get
from apps.imports.services import import_job_create
from apps.imports.webhooks import webhook_url_check
from apps.ingest.records import ContactRecord, IngestSource, Outcome, RecordResult
from apps.ingest.services import contacts_ingest
from apps.vendors.pushtech import bulk_present
from apps.vendors.pushtech.bulk import SOURCE, bulk_translated, unknown_list_notes
from apps.vendors.pushtech.bulk_shape import BulkRequest, bulk_request
from apps.vendors.pushtech.bulk_translate import bulk_policy
from apps.vendors.pushtech.views import PushtechApi

# The status lists every problem of a bulk of 5000 up to this many (then says it was cut).
MAX_STATUS_ERRORS = 10_000


class BulkCreateApi(PushtechApi):
    """Check the request's shape and its webhook URL, store it as a job, answer 201; a worker applies it."""

    http_method_names = ["post"]
    max_body_bytes = 32 * MB  # `specs/common.md`: "PUSHTech bulk and eSputnik bulk 32 MB"

    def post(self, request: Request, account_id: str) -> Response:
        raw = request.body
        if not raw:
            raise BodyError("The request body is empty; a JSON document is required.")
        bulk = bulk_request(json_loads_strict(raw))
        url = bulk.options.webhook_url
        if url:
            reason = webhook_url_check(url)
            if reason is not None:
                raise validation_error(
                    [ErrorDetail("webhook_url", "unsafe_url", reason[:1].upper() + reason[1:])]
                )
        if self.dry_run:
            return Response(self._preview(bulk))
        job = import_job_create(
            workspace_id=self.workspace.pk,
            source=SOURCE,
            payload=raw,
            received=len(bulk.contacts),
            options=bulk.options.job_options(),
            api_key_id=self.api_key.pk,
            webhook_url=url,
        )
        return Response(
            bulk_present.accepted_body(job.public_id, len(bulk.contacts), bulk.options), status=201
        )

    def _preview(self, bulk: BulkRequest) -> dict[str, Any]:
        """A dry run creates no job: the plan runs here through the ingest's dry run, nothing is written."""
        translated = bulk_translated(bulk)
        records = [t.item for t in translated if isinstance(t.item, ContactRecord)]
        report = contacts_ingest(
            workspace_id=self.workspace.pk,
            records=records,
            policy=replace(bulk_policy(bulk.options), dry_run=True),
            source=IngestSource(name=SOURCE, api_key_id=self.api_key.pk),
        )
        ingested = iter(report.results)
        results = []
        for n, t in enumerate(translated):
            if isinstance(t.item, ItemRejected):
                results.append(
                    RecordResult(n, Outcome(t.item.outcome), t.item.identity, issues=t.item.issues)
                )
            else:
                result = next(ingested)
                result.index = n
                results.append(result)
        lists = unknown_list_notes(self.workspace.pk, translated)
        notes = [
            [*t.notes, *lists.get(n, [])] if isinstance(t.item, ContactRecord) else []
            for n, t in enumerate(translated)
        ]
        return bulk_present.dry_run_body(len(bulk.contacts), bulk.options, results, notes)


class BulkStatusApi(PushtechApi):
    """A bulk of this account: its status, counts and per-contact problems; 404 for any other id."""

    http_method_names = ["get", "head"]

    def get(self, request: Request, account_id: str, bulk_id: str) -> Response:
        job = import_job_get(workspace_id=self.workspace.pk, public_id=bulk_id)
        if job is None or job.source != SOURCE:
            raise NotFound("No bulk with this id in this account.")
        issues = list(import_issues(job=job)[: MAX_STATUS_ERRORS + 1])
        return Response(
            bulk_present.status_body(
                job, issues[:MAX_STATUS_ERRORS], truncated=len(issues) > MAX_STATUS_ERRORS
            )
        )
