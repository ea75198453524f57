"""Notifuse's contact API (`/notifuse/api/contacts.*`, `/notifuse/api/lists.subscribe`): thin views that check
the request's shape, call the ingest service, a contact service or a selector, and render Notifuse's JSON."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from apps.attributes.provisioning import attribute_definitions_ensure
from apps.contacts.selectors import (
    contact_from_row,
    contact_get,
    contact_queryset,
    contact_with_relations,
    contacts_newest_first,
)
from apps.contacts.services import contacts_erase
from apps.core.api import HubAPIView
from apps.core.errors import ErrorDetail
from apps.ingest.prepare import Definition
from apps.ingest.records import ContactRecord, IngestSource
from apps.ingest.services import IngestReport, contacts_ingest, definitions_for
from apps.lists.selectors import lists_missing
from apps.vendors.notifuse import present, translate
from apps.vendors.notifuse.auth import NotifuseAuthentication
from apps.vendors.notifuse.errors import (
    CONTACTS_WRITE_DENIED,
    LISTS_WRITE_DENIED,
    NO_ACCESS,
    bad_request,
    error_body,
    not_found,
)


class NotifuseView(HubAPIView):
    dialect = "notifuse"
    authentication_classes = [NotifuseAuthentication]
    forbidden_message = CONTACTS_WRITE_DENIED
    # Notifuse answers any other method with 405, HEAD and OPTIONS included.
    http_method_names = ["post"]
    create_action = "CREATE"
    update_action = "UPDATE"

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        return error_body(status, code, message, forbidden_message=self.forbidden_message)

    # --- request helpers ------------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        return translate.body_object(self.request.data)

    def check_workspace(self, workspace_id: str) -> None:
        """A key works in its own workspace only; any other id (existing or not) gets the same answer."""
        if workspace_id != self.workspace.public_id:
            raise bad_request(NO_ACCESS, code="workspace_denied")

    def check_lists(self, list_ids: list[str]) -> None:
        missing = lists_missing(workspace_id=self.workspace.pk, public_ids=list_ids) if list_ids else []
        if missing:
            raise bad_request(f"list not found: {missing[0]}", code="unknown_list")

    @property
    def default_region(self) -> str | None:
        return settings.PHONE_DEFAULT_REGION

    # --- the write path -------------------------------------------------------------------------------------

    def ingest(
        self,
        contacts: list[translate.NotifuseContact],
        records: list[ContactRecord],
        *,
        with_rows: bool = False,
    ) -> IngestReport:
        """Run the records through the ingest, provisioning the typed slots they use on first use."""
        workspace_id = self.workspace.pk
        definitions = definitions_for(self.workspace)
        missing = {
            slot: type_
            for slot, type_ in translate.slot_types(contacts).items()
            if slot not in definitions.attributes
        }
        if missing:
            # A dry run writes nothing, definitions included: it assumes the slots as they would be created.
            stored = (
                missing
                if self.dry_run
                else attribute_definitions_ensure(workspace_id=workspace_id, definitions=missing)
            )
            for slot, type_ in stored.items():
                definitions.attributes[slot] = Definition(type_)
        return contacts_ingest(
            workspace_id=workspace_id,
            records=records,
            policy=replace(translate.POLICY, dry_run=self.dry_run),
            source=IngestSource(
                name="notifuse",
                api_key_id=self.api_key.pk,
                create_action=self.create_action,
                update_action=self.update_action,
            ),
            definitions=definitions,
            with_rows=with_rows,
        )


class ContactUpsertView(NotifuseView):
    """POST /api/contacts.upsert: create or update one contact, matched on its normalised email."""

    create_action, update_action = "UPSERT_CREATE", "UPSERT_UPDATE"

    def post(self, request: Request) -> Response:
        body = self.body()
        self.check_workspace(translate.workspace_id_of(body))
        contact = translate.upsert_contact(body, default_region=self.default_region)
        report = self.ingest([contact], [translate.record_for(contact, path="contact")], with_rows=True)
        result = report.results[0]
        if not result.ok:
            raise bad_request(f"failed to upsert contact: {present.issue_text(result)}", code="not_stored")
        workspace_id = self.workspace.pk
        if self.dry_run:
            stored = contact_get(workspace_id=workspace_id, include_deleted=True, email=contact.email)
            row = present.preview_row(
                contact, present.contact_row(stored) if stored is not None else None, timezone.now()
            )
        else:
            assert result.row is not None  # asked for with_rows
            row = present.contact_row(contact_from_row(result.row))
        return Response(present.upsert_json(contact.email, result, row, dry_run=self.dry_run))


class ContactImportView(NotifuseView):
    """POST /api/contacts.import: many contacts at once, answered synchronously, an operation per item."""

    create_action, update_action = "IMPORT_CREATE", "IMPORT_UPDATE"

    def post(self, request: Request) -> Response:
        body = self.body()
        self.check_workspace(translate.workspace_id_of(body))
        items = translate.import_items(body, default_region=self.default_region)
        list_ids = translate.list_ids_of(body, "subscribe_to_lists")
        self.check_lists(list_ids)
        valid = [item for item in items if item.contact is not None]
        contacts = [item.contact for item in valid if item.contact is not None]
        records = [
            translate.record_for(
                contact,
                path=f"contacts[{item.index}]",
                list_ids=list_ids,
                lists_path="subscribe_to_lists",
            )
            for item, contact in zip(valid, contacts, strict=True)
        ]
        report = self.ingest(contacts, records) if records else IngestReport()
        results = {item.index: result for item, result in zip(valid, report.results, strict=True)}
        return Response(present.import_json(items, results, dry_run=self.dry_run))


class ListSubscribeView(NotifuseView):
    """POST /api/lists.subscribe: store the contact and subscribe it to the lists (a bearer-token call, so
    the subscription is active at once, as in Notifuse)."""

    forbidden_message = LISTS_WRITE_DENIED
    create_action, update_action = "SUBSCRIBE_CREATE", "SUBSCRIBE_UPDATE"

    def post(self, request: Request) -> Response:
        body = self.body()
        self.check_workspace(translate.workspace_id_of(body))
        contact = translate.subscribe_contact(body, default_region=self.default_region)
        list_ids = translate.list_ids_of(body, "list_ids", required="list_ids is required")
        self.check_lists(list_ids)
        record = translate.record_for(contact, path="contact", list_ids=list_ids)
        result = self.ingest([contact], [record]).results[0]
        if not result.ok:
            raise bad_request(
                f"failed to subscribe to lists: {present.issue_text(result)}", code="not_stored"
            )
        return Response({"success": True, **({"dry_run": True} if self.dry_run else {})})


class ContactDeleteView(NotifuseView):
    """POST /api/contacts.delete: erase the contact and everything about it (GDPR erasure)."""

    def post(self, request: Request) -> Response:
        body = self.body()
        self.check_workspace(translate.workspace_id_of(body))
        email = translate.delete_email(body)
        workspace_id = self.workspace.pk
        contact = contact_get(workspace_id=workspace_id, include_deleted=True, email=email)
        if contact is None:
            raise not_found()
        if self.dry_run:
            return Response({"success": True, "dry_run": True})
        contacts_erase(workspace_id=workspace_id, contact_ids=[contact.pk])
        return Response({"success": True})


class NotifuseReadView(NotifuseView):
    http_method_names = ["get"]
    missing_workspace = "Missing workspace ID"

    def query_workspace(self) -> None:
        params = self.request.query_params
        self.check_workspace(translate.workspace_id_of(params, missing=self.missing_workspace))


class ContactListView(NotifuseReadView):
    """GET /api/contacts.list: newest first, filtered, keyset pages behind an opaque cursor."""

    missing_workspace = "workspace_id is required"

    def get(self, request: Request) -> Response:
        self.query_workspace()
        query = translate.list_query(request.query_params)
        contacts = contacts_newest_first(
            workspace_id=self.workspace.pk,
            limit=query.limit + 1,
            contains=query.contains,
            list_public_id=query.list_id,
            membership_status=query.list_status,
            before=query.before,
            with_lists=query.with_contact_lists,
        )
        return Response(
            present.list_json(contacts, limit=query.limit, with_contact_lists=query.with_contact_lists)
        )


class ContactByKeyView(NotifuseReadView):
    """GET /api/contacts.getByEmail and /api/contacts.getByExternalID: one contact with its contact_lists."""

    key = "email"
    missing_key = "Missing email"

    def get(self, request: Request) -> Response:
        self.query_workspace()
        value = request.query_params.get(self.key, "")
        if not value:
            raise bad_request(self.missing_key)
        value = translate.trim_unicode_space(value)
        if self.key == "email":
            value = value.lower()
        workspace_id = self.workspace.pk
        lookup: dict[str, Any] = {self.key: value}
        found = contact_get(workspace_id=workspace_id, **lookup)
        contact = contact_with_relations(workspace_id=workspace_id, contact_id=found.pk) if found else None
        if contact is None:
            raise not_found()
        return Response(
            {"contact": present.contact_json(present.contact_row(contact), contact.list_memberships.all())}
        )


class ContactByExternalIdView(ContactByKeyView):
    key = "external_id"
    missing_key = "Missing external ID"


class ContactCountView(NotifuseReadView):
    """GET /api/contacts.count: live contacts of the workspace."""

    def get(self, request: Request) -> Response:
        self.query_workspace()
        return Response({"total_contacts": contact_queryset(workspace_id=self.workspace.pk).count()})
