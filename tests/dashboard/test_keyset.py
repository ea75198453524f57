"""Keyset pagination: walking every page forward and back visits each row exactly once, in order, with ties
and NULLs in the sort keys; no page runs COUNT or OFFSET."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.contacts.models import Contact
from apps.dashboard.keyset import _order, decode_cursor, keyset_page
from apps.dashboard.views.contacts import SORTS
from apps.ingest.records import ContactRecord
from tests.dashboard.conftest import ingest


@pytest.fixture
def population(workspace):
    """65 contacts in three batches with one created_at each (ties), some without email or names (NULLs)."""
    records = []
    for n in range(65):
        fields = {"external_id": f"k-{n:03d}"}
        if n % 4:
            fields["email"] = f"{n % 7}x{n}@example.test"
        if n % 3:
            fields["last_name"] = ["Ng", "Berg", "Adams"][n % 3]
        if n % 5:
            fields["first_name"] = ["Ann", "Bo"][n % 2]
        records.append(ContactRecord(fields=fields))
    base = timezone.now() - dt.timedelta(days=3)
    for hour, batch in enumerate((records[:20], records[20:45], records[45:])):
        made = ingest(workspace, *batch)
        stamp = base + dt.timedelta(hours=hour)
        Contact.objects.filter(pk__in=[c.pk for c in made]).update(created_at=stamp, updated_at=stamp)
    return Contact.objects.filter(workspace=workspace)


def expected_order(qs, sort):
    """The whole result in one ordered query (the database's collation decides text order)."""
    return list(qs.order_by(*_order(SORTS[sort], nulls_first=False)).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("size", [1, 7, 20])
def test_walking_forward_and_back_visits_every_row_once_in_order(population, sort, size):
    keys = SORTS[sort]
    seen, pages, cursor = [], [], None
    while True:
        page = keyset_page(population, keys=keys, cursor=cursor, size=size)
        pages.append(page)
        seen += [c.pk for c in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == population.count()
    assert seen == expected_order(population, sort)
    # NULLs come last, whatever the direction
    nullable = [k.field for k in keys if k.nullable]
    if nullable:
        values = [getattr(Contact.objects.get(pk=pk), nullable[0]) for pk in seen]
        first_null = values.index(None)
        assert all(v is None for v in values[first_null:])
    # and back from the last page
    back, cursor = [c.pk for c in pages[-1].rows], pages[-1].prev_cursor
    while cursor:
        page = keyset_page(population, keys=keys, cursor=cursor, size=size)
        back = [c.pk for c in page.rows] + back
        cursor = page.prev_cursor
    assert back == seen


def test_a_malformed_cursor_gives_the_first_page(population):
    keys = SORTS["-created"]
    first = keyset_page(population, keys=keys, cursor=None, size=5).rows
    for cursor in ("garbage", "bnVsbA", "WyJuIiwgWzFdXQ", "WyJ4IixbXV0"):
        assert keyset_page(population, keys=keys, cursor=cursor, size=5).rows == first
        assert decode_cursor(cursor, Contact, keys) is None


def test_pages_run_no_count_and_no_offset(as_viewer, population):
    url = reverse("dashboard:contacts")
    first = as_viewer.get(url)
    cursor = re.search(r'rel="next" href="\?cursor=([^"&]+)"', first.content.decode()).group(1)
    with CaptureQueriesContext(connection) as queries:
        response = as_viewer.get(url, {"cursor": cursor})
    assert response.status_code == 200
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql


def test_contacts_pages_through_the_view_without_duplicates_or_gaps(as_viewer, workspace):
    ingest(workspace, *[ContactRecord(fields={"email": f"p{n}@example.test"}) for n in range(120)])
    url = reverse("dashboard:contacts")
    seen, params = [], {}
    for _ in range(5):
        html = as_viewer.get(url, params).content.decode()
        seen += re.findall(r'href="/contacts/([A-Za-z0-9]+)/"', html)
        found = re.search(r'rel="next" href="\?cursor=([^"&]+)"', html)
        if not found:
            break
        params = {"cursor": found.group(1)}
    assert len(seen) == len(set(seen)) == 120
