"""Trustmary's contact API (`specs/trustmary.md`): thin views over the ingest service and the selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from apps.contacts.models import Contact
from apps.contacts.selectors import contact_from_row, contact_get, contact_queryset
from apps.contacts.services import contacts_soft_delete
from apps.core.api import HubAPIView
from apps.core.errors import ErrorDetail, NotFound, validation_error
from apps.ingest.records import IngestSource, Outcome, RecordResult
from apps.ingest.services import contacts_ingest, definitions_for
from apps.lists.selectors import lists_missing, lists_with_counts
from apps.vendors.trustmary import errors, present
from apps.vendors.trustmary.auth import TrustmaryKeyAuthentication
from apps.vendors.trustmary.translate import (
    PAGE_SIZE,
    ContactUpsert,
    contact_delete_translate,
    contact_upsert_translate,
    contacts_query_translate,
    lists_query_translate,
    upsert_policy,
)

DIALECT = "trustmary"


class TrustmaryApi(HubAPIView):
    dialect = DIALECT
    authentication_classes = [TrustmaryKeyAuthentication]

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        return errors.render_error(status, code, message, details)

    def source(self) -> IngestSource:
        return IngestSource(
            name=DIALECT,
            api_key_id=self.api_key.pk,
            create_action=present.CREATE_ACTION,
            update_action=present.UPDATE_ACTION,
        )


class ContactsApi(TrustmaryApi):
    def get(self, request: Request) -> Response:
        query = contacts_query_translate(request.query_params)
        contacts = contact_queryset(workspace_id=self.workspace.pk, include_deleted=query.include_deleted)
        if query.email is not None:
            contacts = contacts.filter(email=query.email)
        page = list(contacts.order_by("created_at", "id")[query.offset : query.offset + PAGE_SIZE])
        return Response(present.contacts_present(page))

    def post(self, request: Request) -> Response:
        upsert = contact_upsert_translate(request.data, phone_region=settings.PHONE_DEFAULT_REGION)
        workspace_id = self.workspace.pk
        if upsert.list_paths:
            # Checked before the write: an unknown list id stores nothing (specs/trustmary.md).
            missing = lists_missing(workspace_id=workspace_id, public_ids=list(upsert.list_paths))
            if missing:
                raise validation_error(
                    [
                        ErrorDetail(upsert.list_paths[m], "unknown_list", f"There is no list with id {m!r}.")
                        for m in missing
                    ]
                )
        report = contacts_ingest(
            workspace_id=workspace_id,
            records=[upsert.record],
            policy=upsert_policy(dry_run=self.dry_run),
            source=self.source(),
            definitions=definitions_for(self.workspace),
            with_rows=True,
        )
        result = report.results[0]
        if not result.ok:
            raise errors.record_rejected(result.issues)
        created = result.outcome == Outcome.CREATED
        if self.dry_run:
            contact = self._upsert_preview(upsert, result)
        else:
            assert result.row is not None  # asked for with_rows
            contact = contact_from_row(result.row)
        body = present.upsert_present(
            contact, created=created, lists_added=result.lists_added, dry_run=self.dry_run
        )
        return Response(body)

    def _upsert_preview(self, upsert: ContactUpsert, result: RecordResult) -> Contact:
        stored = None
        if result.outcome != Outcome.CREATED:
            stored = contact_get(
                workspace_id=self.workspace.pk, include_deleted=True, public_id=result.contact_public_id
            )
        return present.contact_upsert_preview(
            stored, upsert.record, public_id=result.contact_public_id, now=timezone.now()
        )

    def delete(self, request: Request) -> Response:
        email = contact_delete_translate(request.data)
        workspace_id = self.workspace.pk
        contact = contact_get(workspace_id=workspace_id, email=email)
        if contact is None:
            raise NotFound(f"No contact with email {email!r}.")
        if self.dry_run:
            preview = present.contact_delete_preview(contact, now=timezone.now())
            return Response(present.delete_present(preview, dry_run=True))
        deleted = contacts_soft_delete(
            workspace_id=workspace_id, contact_ids=[contact.pk], source=self.source()
        )
        after = contact_get(workspace_id=workspace_id, include_deleted=True, pk=contact.pk)
        if not deleted or after is None:  # another request deleted it first
            raise NotFound(f"No contact with email {email!r}.")
        return Response(present.delete_present(after))


class ListsApi(TrustmaryApi):
    def get(self, request: Request) -> Response:
        query = lists_query_translate(request.query_params)
        lists = lists_with_counts(workspace_id=self.workspace.pk)
        if query.type is not None:
            lists = lists.filter(type=query.type)
        page = lists.order_by("created_at", "id")[query.offset : query.offset + PAGE_SIZE]
        # A bare array, as the OpenAPI's "List contact lists" response sample.
        return Response([present.list_present(cl, count=cl.member_count) for cl in page])  # type: ignore[attr-defined]


class KeyTestApi(TrustmaryApi):
    """GET /test: Trustmary's WordPress plugin calls it to check a key."""

    def get(self, request: Request) -> Response:
        return Response(present.key_check_present(self.workspace, self.api_key))
