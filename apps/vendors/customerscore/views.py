"""Customerscore's single-contact endpoints (`specs/customerscore.md`, "Single-contact siblings").

Synchronous: each applies one contact through the ingest service (or the soft-delete service) and answers
200 with the contact. `CustomerscoreApi` carries the dialect's plumbing for every Customerscore view.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from apps.contacts.models import Contact
from apps.contacts.selectors import contact_get, customer_get
from apps.contacts.services import contacts_soft_delete
from apps.core.api import MB, HubAPIView
from apps.core.errors import ApplicationError, ErrorDetail, NotFound
from apps.ingest.prepare import Definitions, prepare_record
from apps.ingest.records import ContactRecord, IngestSource, Issue, MatchPolicy, Outcome, RecordResult
from apps.ingest.services import contacts_ingest, definitions_for
from apps.vendors.customerscore import present, translate
from apps.vendors.customerscore.auth import CustomerscoreKeyAuthentication
from apps.vendors.customerscore.errors import error_body, only_methods_message

CUSTOMER_NOT_FOUND = "Customer not found"
CONTACT_NOT_FOUND = "Customer or contact not found"


class CustomerscoreApi(HubAPIView):
    """The base of every Customerscore view: its key header, limits, error body and 405 wording."""

    dialect = "customerscore"
    max_body_bytes = 5 * MB
    # 406 is in the vendor's documented list of codes; 415 is not.
    unsupported_media_status = 406
    authentication_classes = [CustomerscoreKeyAuthentication]

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        return error_body(status, code, message, details)

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed(
            request.method or "", detail=only_methods_message(self.allowed_methods)
        )

    @property
    def source(self) -> IngestSource:
        return IngestSource(
            name="customerscore",
            api_key_id=self.api_key.pk,
            create_action="API_CREATE",
            update_action="API_UPDATE",
        )


class _ContactWriteApi(CustomerscoreApi):
    def ingest_one(
        self, record: ContactRecord, policy: MatchPolicy, stored: Contact | None
    ) -> tuple[RecordResult, Contact | None]:
        """Apply one record; the contact as it now is (after a dry run: as it would be), or None."""
        definitions = definitions_for(self.workspace)
        report = contacts_ingest(
            workspace_id=self.workspace.pk,
            records=[record],
            policy=policy,
            source=self.source,
            definitions=definitions,
        )
        result = report.results[0]
        if not result.ok:
            return result, None
        if policy.dry_run:
            return result, self._preview(record, policy, definitions, stored)
        return result, contact_get(workspace_id=self.workspace.pk, pk=result.contact_id)

    @staticmethod
    def _preview(
        record: ContactRecord, policy: MatchPolicy, definitions: Definitions, stored: Contact | None
    ) -> Contact:
        # The same pure check the ingest ran, to show the values exactly as they would be stored.
        prepared = prepare_record(0, record, definitions, policy, settings.PHONE_DEFAULT_REGION)
        return present.contact_preview(stored, fields=prepared.fields, attributes=prepared.attributes)

    def respond(
        self, result: str, contact: Contact, customer_external_id: str, issues: list[Issue]
    ) -> Response:
        return Response(
            present.write_body(
                result=result,
                contact=contact,
                customer_external_id=customer_external_id,
                warnings=[i for i in issues if i.severity == "warning"],
                dry_run=self.dry_run,
            )
        )


def _refused(result: RecordResult) -> ApplicationError:
    """A record the ingest failed: a conflict of identities is 409, anything else 400; both name the field."""
    errors = result.errors or [Issue("", "invalid", "The contact could not be stored.")]
    details = [ErrorDetail(i.path, i.code, i.message) for i in errors]
    first = details[0]
    conflict = any(i.code in ("identity_conflict", "exists") for i in errors)
    return ApplicationError(
        f"{first.path}: {first.message}" if first.path else first.message,
        code="conflict" if conflict else "invalid_request",
        status=409 if conflict else 400,
        details=details,
    )


def _exists(external_id: str) -> ApplicationError:
    return ApplicationError(
        f"external_id: a contact with external id {external_id!r} already exists.",
        code="conflict",
        status=409,
        details=[ErrorDetail("external_id", "exists", "A contact with this external id already exists.")],
    )


class CustomerContactCreateApi(_ContactWriteApi):
    """`POST /customer/{customer_external_id}/contact`: create a contact of that customer."""

    http_method_names = ["post"]

    def post(self, request: Request, customer_external_id: str) -> Response:
        workspace_id = self.workspace.pk
        if customer_get(workspace_id=workspace_id, external_id=customer_external_id) is None:
            raise NotFound(CUSTOMER_NOT_FOUND)
        record = translate.contact_create_record(customer_external_id, request.data)
        external_id = record.fields["external_id"]
        result, contact = self.ingest_one(record, translate.create_policy(dry_run=self.dry_run), None)
        outcome = "created"
        if result.outcome == Outcome.SKIPPED and any(i.code == "exists" for i in result.issues):
            stored = contact_get(workspace_id=workspace_id, include_deleted=True, external_id=external_id)
            if stored is None or stored.deleted_at is None:
                raise _exists(external_id)
            result, contact = self.ingest_one(record, translate.restore_policy(dry_run=self.dry_run), stored)
            outcome = "restored"
        if any(i.code == "unknown_customer" for i in result.issues):
            raise NotFound(CUSTOMER_NOT_FOUND)  # the customer went away during the request
        if contact is None:
            raise _refused(result)
        return self.respond(outcome, contact, customer_external_id, result.issues)


class CustomerContactApi(_ContactWriteApi):
    """`PUT|DELETE /customer/{customer_external_id}/contact/{contact_external_id}`."""

    http_method_names = ["put", "delete"]

    def _contact(self, customer_external_id: str, contact_external_id: str) -> Contact:
        # One query answers "no such customer", "not this customer's contact" and "another workspace's".
        contact = contact_get(
            workspace_id=self.workspace.pk,
            external_id=contact_external_id,
            customer__external_id=customer_external_id,
        )
        if contact is None:
            raise NotFound(CONTACT_NOT_FOUND)
        return contact

    def put(self, request: Request, customer_external_id: str, contact_external_id: str) -> Response:
        stored = self._contact(customer_external_id, contact_external_id)
        record = translate.contact_update_record(customer_external_id, contact_external_id, request.data)
        result, contact = self.ingest_one(record, translate.update_policy(dry_run=self.dry_run), stored)
        if result.outcome == Outcome.SKIPPED:
            raise NotFound(CONTACT_NOT_FOUND)  # deleted or moved during the request
        if contact is None:
            raise _refused(result)
        return self.respond(result.outcome.value, contact, customer_external_id, result.issues)

    def delete(self, request: Request, customer_external_id: str, contact_external_id: str) -> Response:
        contact = self._contact(customer_external_id, contact_external_id)
        if not self.dry_run:
            contacts_soft_delete(workspace_id=self.workspace.pk, contact_ids=[contact.pk], source=self.source)
            deleted = contact_get(workspace_id=self.workspace.pk, include_deleted=True, pk=contact.pk)
            if deleted is None:
                raise NotFound(CONTACT_NOT_FOUND)  # erased during the request
            contact = deleted
        return self.respond("deleted", contact, customer_external_id, [])
