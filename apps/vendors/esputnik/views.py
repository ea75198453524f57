"""eSputnik's contact endpoints (`specs/esputnik.md`). Thin: translate, call one service or selector,
present. The async bulk (`POST /v1/contacts`, `GET /v1/importstatus/{id}`) stores the request as an import
job; `bulk.py` makes the job's plan, `translate.contact_to_record()` for each contact."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from apps.attributes.definition_rows import attribute_definition_rows_for
from apps.contacts.identity_search import contacts_by_identity
from apps.contacts.selectors import contact_get, contact_with_relations
from apps.contacts.services import contacts_erase, contacts_soft_delete
from apps.core.api import MB, HubAPIView
from apps.core.errors import ErrorDetail, NotFound, validation_error
from apps.imports.registry import BulkPlan
from apps.imports.selectors import import_issues, import_job_get
from apps.imports.services import import_job_create
from apps.ingest.prepare import Definitions
from apps.ingest.records import IngestSource, RecordResult
from apps.ingest.services import contacts_ingest
from apps.lists.selectors import lists_missing
from apps.vendors.esputnik import bulk, bulk_present, bulk_translate, params, present, translate
from apps.vendors.esputnik.auth import EsputnikBasicAuthentication
from apps.vendors.esputnik.errors import error_body, ingest_failure


class EsputnikApiView(HubAPIView):
    dialect = "esputnik"
    authentication_classes = [EsputnikBasicAuthentication]

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        return error_body(status, code, message, details)

    @property
    def source(self) -> IngestSource:
        return IngestSource(
            name="esputnik",
            api_key_id=self.api_key.pk,
            create_action="API_CREATE",
            update_action="API_UPDATE",
        )

    def attribute_ids(self) -> dict[str, int]:
        return {row.codename: row.id for row in attribute_definition_rows_for(self.workspace)}

    def contact_delete(self, contact_id: int, *, erase: bool) -> Response:
        """Soft delete (the contact keeps its identity, hidden everywhere) or GDPR erasure."""
        workspace_id = self.workspace.pk
        if self.dry_run:
            if contact_get(workspace_id=workspace_id, include_deleted=erase, pk=contact_id) is None:
                raise NotFound("Contact not found.")
        elif erase:
            if not contacts_erase(workspace_id=workspace_id, contact_ids=[contact_id]):
                raise NotFound("Contact not found.")
        elif not contacts_soft_delete(
            workspace_id=workspace_id, contact_ids=[contact_id], source=self.source
        ):
            raise NotFound("Contact not found.")
        return Response(present.delete_body(contact_id, erased=erase, dry_run=self.dry_run))


class ContactApi(EsputnikApiView):
    """`POST /v1/contact`: add or update one contact. `DELETE /v1/contact?externalCustomerId=…&erase=true`."""

    def post(self, request: Request) -> Response:
        translation = translate.contact_to_record(request.data)
        if not translation.ok:
            raise validation_error(translation.problems)
        workspace_id = self.workspace.pk
        rows = attribute_definition_rows_for(self.workspace)
        warnings = translate.fields_by_id_attach(translation, {row.id: row.codename for row in rows})
        record = translation.record
        ambiguous = translate.groups_needing_lookup(record)
        if ambiguous:
            translate.groups_resolve(record, lists_missing(workspace_id=workspace_id, public_ids=ambiguous))
        report = contacts_ingest(
            workspace_id=workspace_id,
            records=[record],
            policy=translate.upsert_policy(dry_run=self.dry_run),
            source=self.source,
            definitions=translate.ingest_definitions(rows),
        )
        result = report.results[0]
        if not result.ok:
            raise ingest_failure(result, record)
        return Response(present.upsert_body(result, [*warnings, *result.warnings], dry_run=self.dry_run))

    def delete(self, request: Request) -> Response:
        target = params.delete_params(request.query_params)
        contact = contact_get(
            workspace_id=self.workspace.pk, include_deleted=target.erase, external_id=target.external_id
        )
        if contact is None:
            raise NotFound(f"No contact with externalCustomerId {target.external_id!r}.")
        return self.contact_delete(contact.pk, erase=target.erase)


class ContactDetailApi(EsputnikApiView):
    """`GET /v1/contact/{id}` and `DELETE /v1/contact/{id}` (soft delete)."""

    def get(self, request: Request, contact_id: str) -> Response:
        pk = params.contact_id_from_path(contact_id)
        contact = (
            contact_with_relations(workspace_id=self.workspace.pk, contact_id=pk) if pk is not None else None
        )
        if contact is None or contact.deleted_at is not None:
            raise NotFound("Contact not found.")
        return Response(present.contact_body(contact, self.attribute_ids()))

    def delete(self, request: Request, contact_id: str) -> Response:
        pk = params.contact_id_from_path(contact_id)
        if pk is None:
            raise NotFound("Contact not found.")
        return self.contact_delete(pk, erase=False)


class ContactsApi(EsputnikApiView):
    """`GET /v1/contacts?email=&sms=&externalCustomerId=&startindex=1&maxrows=500`: a bare array.
    `POST /v1/contacts`: the async bulk add/update of up to 3000 contacts."""

    max_body_bytes = 32 * MB  # `specs/common.md`: "PUSHTech bulk and eSputnik bulk 32 MB"

    def get(self, request: Request) -> Response:
        search = params.contact_search_params(request.query_params)
        contacts = contacts_by_identity(
            workspace_id=self.workspace.pk,
            email=search.email,
            phone=search.phone,
            external_id=search.external_id,
            offset=search.offset,
            limit=search.limit,
        )
        attribute_ids = self.attribute_ids() if contacts else {}
        return Response(present.contacts_body(contacts, attribute_ids))

    def post(self, request: Request) -> Response:
        """Check the request's shape (a 400 stores nothing), read the field ids and group ids it names once,
        store it as an import job and answer its id; a worker applies it. A dry run makes no job: the plan
        goes through the ingest at once in dry-run mode and the answer says what each contact would do."""
        payload = bytes(request._request.body)  # as received; read before the parser consumes the stream
        bulk_request = bulk_translate.bulk_request_parse(request.data)
        workspace_id = self.workspace.pk
        needs_rows = self.dry_run or bool(bulk_translate.field_ids_referenced(bulk_request))
        rows = attribute_definition_rows_for(self.workspace) if needs_rows else []
        codenames = bulk_translate.field_codenames(bulk_request, rows)
        ambiguous = bulk_translate.group_ids_needing_lookup(bulk_request)
        missing = lists_missing(workspace_id=workspace_id, public_ids=ambiguous) if ambiguous else []
        options = bulk_translate.job_options(codenames, missing)
        if self.dry_run:
            plan = bulk.plan_from_request(bulk_request, options)
            results = self.dry_run_results(plan, translate.ingest_definitions(rows))
            return Response(bulk_present.dry_run_body(results))
        job = import_job_create(
            workspace_id=workspace_id,
            source=bulk.SOURCE,
            payload=payload,
            received=len(bulk_request.contacts),
            options=options,
            api_key_id=self.api_key.pk,
        )
        return Response(bulk_present.accepted_body(job.public_id))

    def dry_run_results(self, plan: BulkPlan, definitions: Definitions) -> list[RecordResult]:
        results, records = bulk.plan_split(plan)
        if records:
            report = contacts_ingest(
                workspace_id=self.workspace.pk,
                records=[record for _, record in records],
                policy=replace(plan.policy, dry_run=True),
                source=self.source,
                definitions=definitions,
            )
            for (position, _), result in zip(records, report.results, strict=True):
                result.index = position
                results[position] = result
        return [result for result in results if result is not None]


class ImportStatusApi(EsputnikApiView):
    """`GET /v1/importstatus/{asyncSessionId}`: a bulk's progress, counts and per-contact problems."""

    def get(self, request: Request, session_id: str) -> Response:
        job = import_job_get(workspace_id=self.workspace.pk, public_id=session_id)
        if job is None or job.source != bulk.SOURCE:
            raise NotFound("No import with this asyncSessionId.")
        issues = list(import_issues(job=job)[: bulk_present.ERRORS_LIMIT + 1])
        return Response(bulk_present.import_status_body(job, issues))
