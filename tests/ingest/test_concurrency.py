"""Concurrent writers on PostgreSQL: one contact per identity, no deadlock or error reaches the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from apps.attributes.models import ContactMetric
from apps.contacts.models import Contact, ContactTag, Tag
from apps.ingest.records import ContactRecord, ListRef
from apps.ingest.services import contacts_ingest
from apps.lists.models import ContactList, ListMembership
from tests.ingest.helpers import SOURCE

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]


def run_threads(count: int, target: Callable[[int], Any]) -> list[Any]:
    """Run target(0..count-1) in threads started together; re-raise the first error any of them met."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = target(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer is still running"
    if errors:
        raise errors[0]
    return results


def test_twenty_writers_upserting_the_same_new_contact_make_one(workspace, definitions):
    def upsert(n: int):
        record = ContactRecord(
            fields={"external_id": "same", "email": "Same@Example.com", "first_name": f"Writer {n}"},
            attributes={"age": n},
            metrics={"2025-01-01": {"resolved_tickets": n}},
            lists_add=[ListRef(name="Shared", create=True)],
            tags_add=["vip"],
        )
        return contacts_ingest(workspace_id=workspace.id, records=[record], source=SOURCE).results[0]

    results = run_threads(20, upsert)

    c = Contact.objects.get(workspace=workspace)
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count("created") == 1
    assert set(outcomes) <= {"created", "updated", "unchanged"}
    assert {r.contact_id for r in results} == {c.id}
    assert (c.external_id, c.email) == ("same", "same@example.com")
    assert ContactMetric.objects.filter(contact=c).count() == 1
    assert ContactList.objects.filter(workspace=workspace).count() == 1
    assert ListMembership.objects.filter(contact=c).count() == 1
    assert Tag.objects.filter(workspace=workspace).count() == 1
    assert ContactTag.objects.filter(contact=c).count() == 1


BATCH = 5_000
OVERLAP = 2_500
ROUNDS = 3


def batch(first: int, round_: int, *, reverse: bool) -> list[ContactRecord]:
    numbers = range(first, first + BATCH)
    return [
        ContactRecord(
            fields={"external_id": f"c-{n}", "email": f"c{n}@example.com", "first_name": f"Round {round_}"},
            attributes={"age": round_},
            metrics={f"2025-01-0{round_}": {"resolved_tickets": n}},
            lists_add=[ListRef(name="Shared", create=True)],
            tags_add=[f"round-{round_}"],
        )
        for n in (reversed(numbers) if reverse else numbers)
    ]


def test_overlapping_batches_in_opposite_orders_end_with_the_union(workspace, definitions):
    second_start = BATCH - OVERLAP
    for round_ in range(1, ROUNDS + 1):
        batches = [batch(0, round_, reverse=False), batch(second_start, round_, reverse=True)]
        reports = run_threads(
            2, lambda n, b=batches: contacts_ingest(workspace_id=workspace.id, records=b[n], source=SOURCE)
        )
        for report in reports:
            assert len(report.results) == BATCH
            assert {r.outcome for r in report.results} <= {"created", "updated", "unchanged"}
            assert all(r.contact_id for r in report.results)
        expected = {f"c-{n}" for n in range(second_start + BATCH)}
        stored = list(
            Contact.objects.filter(workspace=workspace).values_list("external_id", "email", "first_name")
        )
        assert len(stored) == len(expected)
        assert {ext for ext, _, _ in stored} == expected
        assert {(ext, email) for ext, email, _ in stored} == {
            (f"c-{n}", f"c{n}@example.com") for n in range(second_start + BATCH)
        }
        assert {name for _, _, name in stored} == {f"Round {round_}"}

    union = second_start + BATCH
    assert ContactMetric.objects.filter(contact__workspace=workspace).count() == union * ROUNDS
    assert ListMembership.objects.filter(contact__workspace=workspace).count() == union
    assert ContactTag.objects.filter(contact__workspace=workspace).count() == union * ROUNDS
    assert Tag.objects.filter(workspace=workspace).count() == ROUNDS
    assert not Contact.objects.filter(workspace=workspace).exclude(attributes={"age": ROUNDS}).exists()
