"""Customerscore's bulk uploads: `POST /contacts` and `POST /customers` (`specs/customerscore.md`).

The view checks the request's shape (a 400 names every bad item and field; nothing is stored), stores the
body as an import job and answers 200 with the job's id; a worker applies it (`bulk.py` makes the plan).
`?dry_run=true` makes no job: the records go through the ingest at once in dry-run mode and the answer says,
item by item, what would happen.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, ClassVar

from rest_framework.request import Request
from rest_framework.response import Response

from apps.imports.services import import_job_create
from apps.ingest.customers import CustomerRecord, customers_ingest
from apps.ingest.records import ContactRecord, IngestSource, RecordResult
from apps.ingest.services import contacts_ingest
from apps.vendors.customerscore import bulk, bulk_translate, present
from apps.vendors.customerscore.views import CustomerscoreApi


class _BulkUploadApi(CustomerscoreApi, ABC):
    http_method_names = ["post"]
    kind: ClassVar[str]

    @abstractmethod
    def records(self, body: Any) -> list[Any]:
        """The request's items as ingest records (shape errors raise a 400)."""

    @abstractmethod
    def dry_run_results(self, records: list[Any]) -> list[RecordResult]:
        """What the job would do with `records`, written nowhere."""

    def post(self, request: Request) -> Response:
        # The body as received is what the job stores; read it before the parser consumes the stream.
        payload = bytes(request._request.body)
        records = self.records(request.data)
        if self.dry_run:
            results = self.dry_run_results(records)
            return Response(present.bulk_dry_run_body(kind=self.kind, results=results))
        job = import_job_create(
            workspace_id=self.workspace.pk,
            source=bulk.SOURCE,
            payload=payload,
            received=len(records),
            kind=self.kind,
            options={bulk.KIND_OPTION: self.kind},
            api_key_id=self.api_key.pk,
        )
        return Response(
            present.bulk_accepted_body(kind=self.kind, import_id=job.public_id, count=len(records))
        )


class ContactsBulkApi(_BulkUploadApi):
    """`POST /contacts`: up to 100 contacts of known customers, upserted by `contact_external_id`."""

    kind = "contacts"

    def records(self, body: Any) -> list[ContactRecord]:
        return bulk_translate.contacts_request(body)

    def dry_run_results(self, records: list[Any]) -> list[RecordResult]:
        report = contacts_ingest(
            workspace_id=self.workspace.pk,
            records=records,
            policy=replace(bulk_translate.CONTACTS_POLICY, dry_run=True),
            source=IngestSource(name=bulk.SOURCE, api_key_id=self.api_key.pk),
        )
        return report.results


class CustomersBulkApi(_BulkUploadApi):
    """`POST /customers`: up to 100 customers, upserted by `external_id`."""

    kind = "customers"

    def records(self, body: Any) -> list[CustomerRecord]:
        return bulk_translate.customers_request(body)

    def dry_run_results(self, records: list[Any]) -> list[RecordResult]:
        return customers_ingest(workspace_id=self.workspace.pk, records=records, dry_run=True)
