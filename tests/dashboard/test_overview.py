"""The overview: counts, imports running now with progress, recent failures, contacts added per day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.contacts.models import Contact, Customer
from apps.dashboard.charts import daily_bar_chart, line_chart
from apps.imports.models import ImportJob
from apps.lists.services import list_create

URL = reverse("dashboard:overview")


def stat(html: str, label: str) -> str:
    return re.search(
        rf'<span class="stat-value">([^<]*)</span><span class="stat-label">{label}</span>', html
    ).group(1)


def test_counts(as_viewer, workspace, make_contacts, definitions):
    contacts = make_contacts(3)
    Contact.objects.filter(pk=contacts[0].pk).update(deleted_at=timezone.now())
    Customer.objects.create(workspace=workspace, external_id="a", name="A")
    list_create(workspace_id=workspace.id, name="L")
    html = as_viewer.get(URL, {"part": "activity"}).content.decode()
    assert stat(html, "Contacts") == "2"
    assert stat(html, "Customers") == "1"
    assert stat(html, "Lists") == "1"
    assert stat(html, "Attribute definitions") == "5"  # custom ones; built-ins are not counted
    assert stat(html, "Metric definitions") == "2"


def test_counts_and_chart_load_after_the_page(as_viewer, make_contacts):
    make_contacts(2)
    html = as_viewer.get(URL).content.decode()
    assert 'hx-get="/?part=activity" hx-trigger="load"' in html
    assert 'class="bar"' not in html  # not computed for the first paint
    assert '<noscript><p><a href="?part=activity">' in html


def test_running_imports_with_progress_and_recent_failures(as_viewer, workspace, other_workspace, admin_user):
    ImportJob.objects.create(
        workspace=workspace,
        source="csv",
        status="running",
        received=200,
        processed=50,
        started_at=timezone.now(),
        created_by=admin_user,
    )
    ImportJob.objects.create(
        workspace=workspace, source="api", status="failed", error="worker <b>crashed</b>"
    )
    ImportJob.objects.create(workspace=workspace, source="pushtech", status="completed", failed=3)
    ImportJob.objects.create(workspace=workspace, source="api", status="completed")
    ImportJob.objects.create(
        workspace=other_workspace, source="csv", status="running", received=9, processed=1
    )
    html = as_viewer.get(URL).content.decode()
    assert '<progress max="200" value="50"' in html
    assert "50 / 200" in html and "alice-admin" in html
    assert html.count("<progress") == 1
    assert "worker &lt;b&gt;crashed&lt;/b&gt;" in html
    assert "3 items failed" in html
    assert 'hx-trigger="every 3s"' in html  # polls while something runs


def test_imports_fragment_for_htmx_polling(as_viewer, workspace):
    response = as_viewer.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="imports")
    html = response.content.decode()
    assert "<html" not in html and 'id="imports"' in html
    assert "No import is running." in html and 'hx-trigger="every 30s"' in html


def test_chart_of_contacts_added_per_day(as_viewer, make_contacts):
    old = make_contacts(2, prefix="old")
    make_contacts(3, prefix="new")
    Contact.objects.filter(pk__in=[c.pk for c in old]).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    response = as_viewer.get(URL, {"part": "activity"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="activity")
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('class="bar"') == 30
    today = timezone.localdate()
    assert f"{today.strftime('%a %d %b')}: 3</title>" in html
    assert f"{(today - dt.timedelta(days=2)).strftime('%a %d %b')}: 2</title>" in html
    assert "5 in total" in html


def test_daily_bar_chart_geometry():
    end = dt.date(2025, 3, 30)
    chart = daily_bar_chart({end: 10, end - dt.timedelta(days=29): 5}, end=end, days=30, title="t")
    assert len(chart.bars) == 30
    assert chart.bars[-1].height == 2 * chart.bars[0].height
    assert [b.value for b in chart.bars[1:-1]] == [0] * 28
    assert chart.y_ticks[-1].label == "10"


def test_line_chart_is_empty_without_points_and_spaced_by_time():
    assert line_chart([], title="t").empty
    chart = line_chart(
        [(dt.date(2025, 1, 1), 1), (dt.date(2025, 1, 2), 2), (dt.date(2025, 1, 11), 3)], title="t"
    )
    xs = [d.x for d in chart.dots]
    assert (xs[1] - xs[0]) * 9 == pytest.approx(xs[2] - xs[1], abs=0.5)


def test_workspace_name_is_escaped(as_viewer, workspace):
    workspace.name = "<script>alert(1)</script>"
    workspace.save()
    html = as_viewer.get(URL).content.decode()
    assert "<script>alert(1)" not in html
