from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import HubAPIView
from apps.core.renderers import CsvRenderer, FastJSONRenderer
from apps.imports.present import import_job_as_dict
from apps.imports.report import csv_lines, import_report_rows
from apps.imports.selectors import import_job_get
from apps.workspaces.models import ApiKey


class AuthCheckApi(HubAPIView):
    """Tells whether the key works, and for which workspace (a cheap first call for an integration)."""

    @extend_schema(
        responses=inline_serializer(
            "AuthCheck",
            {
                "workspace": inline_serializer(
                    "AuthCheckWorkspace", {"id": serializers.CharField(), "name": serializers.CharField()}
                ),
                "key": inline_serializer(
                    "AuthCheckKey", {"name": serializers.CharField(), "scope": serializers.CharField()}
                ),
            },
        )
    )
    def get(self, request: Request) -> Response:
        api_key = request.auth
        assert isinstance(api_key, ApiKey)  # the authentication class guarantees it
        return Response(
            {
                "workspace": {"id": api_key.workspace.public_id, "name": api_key.workspace.name},
                "key": {"name": api_key.name, "scope": api_key.scope},
            }
        )


class ImportJobDetailApi(HubAPIView):
    """An import job's status, counts and first issues; the full report is at `report.csv`."""

    def get(self, request: Request, public_id: str) -> Response:
        job = import_job_get(workspace_id=self.workspace.pk, public_id=public_id)
        if job is None:
            raise Http404("No import with this id.")
        return Response(import_job_as_dict(job))


class ImportJobReportApi(HubAPIView):
    renderer_classes = [CsvRenderer, FastJSONRenderer]

    def get(self, request: Request, public_id: str) -> StreamingHttpResponse:
        job = import_job_get(workspace_id=self.workspace.pk, public_id=public_id)
        if job is None:
            raise Http404("No import with this id.")
        response = StreamingHttpResponse(csv_lines(import_report_rows(job)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import-{job.public_id}-report.csv"'
        return response
