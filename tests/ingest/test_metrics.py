"""Metrics: values per (contact, date), merged when a date is sent again."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.attributes.models import ContactMetric, MetricDefinition
from apps.ingest.records import ContactRecord, MatchPolicy
from tests.ingest.helpers import codes, contact, issue, only

pytestmark = pytest.mark.django_db


def metrics(by_date: dict, external_id="c-1", text=False) -> ContactRecord:
    return ContactRecord(fields={"external_id": external_id}, metrics=by_date, text_values=text)


def stored(workspace, external_id="c-1") -> dict[str, dict]:
    c = contact(workspace, external_id=external_id)
    return {m.date.isoformat(): m.values for m in ContactMetric.objects.filter(contact=c)}


def test_metrics_are_stored_per_date(ingest, workspace, definitions):
    result = only(
        ingest(
            metrics(
                {
                    "2025-01-01": {"resolved_tickets": 3, "user_status": "active"},
                    "2025-01-02": {"resolved_tickets": 5},
                }
            )
        )
    )
    assert result.outcome == "created"
    assert stored(workspace) == {
        "2025-01-01": {"resolved_tickets": 3, "user_status": "active"},
        "2025-01-02": {"resolved_tickets": 5},
    }


def test_metric_dates_may_be_date_objects(ingest, workspace, definitions):
    ingest(
        ContactRecord(fields={"external_id": "c-1"}, metrics={dt.date(2025, 3, 1): {"resolved_tickets": 1}})
    )
    assert stored(workspace) == {"2025-03-01": {"resolved_tickets": 1}}


def test_resending_a_date_merges_its_values(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": 3, "user_status": "active"}}))
    result = only(ingest(metrics({"2025-01-01": {"resolved_tickets": 4}})))
    assert result.outcome == "updated"
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 4, "user_status": "active"}}
    assert ContactMetric.objects.count() == 1


def test_a_new_date_leaves_other_dates_alone(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": 3}}))
    ingest(metrics({"2025-01-02": {"resolved_tickets": 4}}))
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 3}, "2025-01-02": {"resolved_tickets": 4}}


def test_resending_the_same_values_is_unchanged(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": 3}}))
    result = only(ingest(metrics({"2025-01-01": {"resolved_tickets": 3}})))
    assert result.outcome == "unchanged"


def test_null_removes_a_metric_value(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": 3, "user_status": "active"}}))
    result = only(ingest(metrics({"2025-01-01": {"user_status": None}})))
    assert result.outcome == "updated"
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 3}}


def test_null_for_a_date_that_has_no_values_changes_nothing(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": 3}}))
    result = only(ingest(metrics({"2025-01-02": {"resolved_tickets": None}})))
    assert result.outcome == "unchanged"
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 3}}


def test_two_records_for_one_contact_merge_their_metrics(ingest, workspace, definitions):
    report = ingest(
        metrics({"2025-01-01": {"resolved_tickets": 1}}),
        metrics({"2025-01-01": {"user_status": "vip"}}),
    )
    assert [r.outcome for r in report.results] == ["created", "updated"]
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 1, "user_status": "vip"}}


def test_unknown_metric_is_dropped_with_a_warning(ingest, workspace, definitions):
    result = only(ingest(metrics({"2025-01-01": {"resolved_tickets": 1, "nps": 9}})))
    found = issue(result, "unknown_metric")
    assert (found.path, found.severity) == ("metrics[2025-01-01].nps", "warning")
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 1}}


def test_archived_metric_is_dropped_with_a_warning(ingest, workspace, definitions):
    MetricDefinition.objects.filter(workspace=workspace, codename="user_status").update(archived=True)
    result = only(ingest(metrics({"2025-01-01": {"resolved_tickets": 1, "user_status": "x"}})))
    assert "unknown_metric" in codes(result)
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 1}}


def test_unknown_metric_with_reject_policy_fails_the_record(ingest, workspace, definitions):
    result = only(ingest(metrics({"2025-01-01": {"nps": 9}}), policy=MatchPolicy(unknown_keys="reject")))
    assert result.outcome == "failed"
    assert not ContactMetric.objects.exists()


@pytest.mark.parametrize("bad_date", ["2025-02-30", "2025-13-01", "01/02/2025", "yesterday"])
def test_invalid_date_is_an_issue_and_other_dates_are_stored(ingest, workspace, definitions, bad_date):
    record = ContactRecord(
        fields={"external_id": "c-1"},
        metrics={bad_date: {"resolved_tickets": 1}, "2025-01-01": {"resolved_tickets": 2}},
    )
    result = only(ingest(record))
    assert result.outcome == "created"
    assert issue(result, "invalid_date").path == f"metrics[{bad_date}]"
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 2}}


def test_metric_value_of_wrong_type_is_an_issue(ingest, workspace, definitions):
    result = only(ingest(metrics({"2025-01-01": {"resolved_tickets": "many", "user_status": "ok"}})))
    assert issue(result, "invalid_value").path == "metrics[2025-01-01].resolved_tickets"
    assert stored(workspace) == {"2025-01-01": {"user_status": "ok"}}


def test_metric_text_values_are_parsed(ingest, workspace, definitions):
    ingest(metrics({"2025-01-01": {"resolved_tickets": "7"}}, text=True))
    assert stored(workspace) == {"2025-01-01": {"resolved_tickets": 7}}


def test_metrics_of_two_contacts_are_kept_apart(ingest, workspace, definitions):
    ingest(
        metrics({"2025-01-01": {"resolved_tickets": 1}}, "c-1"),
        metrics({"2025-01-01": {"resolved_tickets": 2}}, "c-2"),
    )
    assert stored(workspace, "c-1") == {"2025-01-01": {"resolved_tickets": 1}}
    assert stored(workspace, "c-2") == {"2025-01-01": {"resolved_tickets": 2}}
