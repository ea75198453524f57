"""Small helpers shared by the ingest tests."""

from __future__ import annotations

from django.apps import apps as django_apps

from apps.attributes.services import attribute_definition_create, metric_definition_create
from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord, IngestSource, Issue, RecordResult
from apps.ingest.services import IngestReport

SOURCE = IngestSource(name="api")


def definitions_create(workspace) -> None:
    """A typical workspace's custom attributes and metrics, one of each type."""
    attribute_definition_create(workspace=workspace, codename="age", type="number")
    attribute_definition_create(workspace=workspace, codename="is_admin", type="boolean")
    attribute_definition_create(workspace=workspace, codename="plan", type="choice", choices=["free", "pro"])
    attribute_definition_create(workspace=workspace, codename="last_contacted_at", type="date")
    attribute_definition_create(workspace=workspace, codename="signed_up", type="datetime")
    attribute_definition_create(workspace=workspace, codename="nickname", type="string")
    attribute_definition_create(workspace=workspace, codename="prefs", type="json")
    metric_definition_create(workspace=workspace, codename="resolved_tickets", type="number")
    metric_definition_create(workspace=workspace, codename="user_status", type="string")


def rec(**fields) -> ContactRecord:
    """A record carrying only contact fields."""
    return ContactRecord(fields=fields)


def only(report: IngestReport) -> RecordResult:
    assert len(report.results) == 1, report.results
    return report.results[0]


def codes(result: RecordResult) -> set[str]:
    return {i.code for i in result.issues}


def issue(result: RecordResult, code: str) -> Issue:
    found = [i for i in result.issues if i.code == code]
    assert found, f"no {code!r} issue in {result.issues}"
    return found[0]


def contact(workspace, **lookup) -> Contact:
    return Contact.objects.get(workspace=workspace, **lookup)


def table_counts() -> dict[str, int]:
    """Rows in every table of the project (to prove that a dry run or a rejected record wrote nothing)."""
    return {m._meta.label: m._default_manager.count() for m in django_apps.get_models()}
