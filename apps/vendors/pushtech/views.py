"""PUSHTech / Cendyn CRM endpoints. `PushtechApi` carries the dialect's plumbing for every PUSHTech view:
the token header, the account in the path, the error body and the rate limit."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from apps.contacts.page_selectors import contacts_page_by_id
from apps.core.api import HubAPIView
from apps.core.errors import ErrorDetail
from apps.vendors.pushtech import present, translate
from apps.vendors.pushtech.auth import PushtechTokenAuthentication
from apps.vendors.pushtech.errors import ACCOUNT_FORBIDDEN, error_body


class PushtechApi(HubAPIView):
    """Every path is below `/v2/account/:account_id/`; the account must be the key's workspace (else 403)."""

    dialect = "pushtech"
    authentication_classes = [PushtechTokenAuthentication]

    def render_error(self, status: int, code: str, message: str, details: list[ErrorDetail]) -> Any:
        return error_body(status, code, message, details)

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        # An unknown account and another workspace's account look the same: nothing is revealed.
        if self.kwargs.get("account_id") != self.workspace.public_id:
            raise exceptions.PermissionDenied(ACCOUNT_FORBIDDEN)


class ContactListApi(PushtechApi):
    """`GET /v2/account/:account_id/contact/`: the account's live contacts, a keyset page at a time."""

    http_method_names = ["get", "head"]

    def get(self, request: Request, account_id: str) -> Response:
        query = translate.contact_list_query(request.query_params)
        contacts = contacts_page_by_id(
            workspace_id=self.workspace.pk,
            filters=query.filters,
            after_id=query.after_id,
            descending=query.descending,
            limit=query.limit,
        )
        return Response(present.contact_list_body(contacts))
