"""The ingest service: the one bulk writer of contacts.

Every input (vendor dialects, native API, CSV, dashboard) hands canonical records to `contacts_ingest`.
Per chunk it makes a fixed number of queries whatever the chunk's size: one per identity key to resolve the
whole chunk, one to lock the matched rows in id order, one read per side table it touches, then one write
per table. Rules:

- Match keys are tried in the policy's order; the first key that finds a contact decides the match.
- External id and email are unique per workspace: when a record's keys point at two different contacts (or
  would take an identity another contact holds), the record fails with `identity_conflict`; nothing merges.
- Records of one call that resolve to the same contact are applied in order, later values winning field by
  field: the first reports its own outcome (`created` for a new contact), later ones `updated`/`unchanged`.
  Under `create_only`, a repeat is `skipped` (`exists`) like any existing contact.
- A concurrent writer that inserts the same new contact first makes our insert skip that row; the chunk is
  then rolled back and resolved again (bounded retries), so both writers end with one contact and no error.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from apps.attributes.models import AttributeDefinition, MetricDefinition
from apps.attributes.versions import definitions_cached
from apps.contacts.models import Contact, Customer
from apps.ingest.prepare import Definition, Definitions, Prepared, prepare_record
from apps.ingest.records import (
    ContactRecord,
    IngestSource,
    Issue,
    MatchPolicy,
    Outcome,
    RecordResult,
)
from apps.ingest.side_tables import SideTables
from apps.ingest.sql import ReturnedLog, RowsInsert, fetch_matching, insert_rows, update_rows
from apps.ingest.state import FETCHED_COLUMNS, STORED_COLUMNS, Slot

if TYPE_CHECKING:
    from apps.workspaces.models import Workspace

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
UNIQUE_KEYS = ("external_id", "email")
_ROW_COLUMNS = tuple(c for c in STORED_COLUMNS if c not in ("id", "public_id", "created_at"))
_STAMP_COLUMNS = ("updated_at", "last_action", "last_source", "last_import", "last_api_key")
_LOOKUP_COLUMN = {
    "external_id": "external_id",
    "email": "email",
    "phone": "phone",
    "public_id": "public_id",
    "pk": "id",
}


class RetryChunk(Exception):
    """Another writer got there first; resolve the chunk again."""


@dataclass
class IngestReport:
    results: list[RecordResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in Outcome}
        for r in self.results:
            out[r.outcome.value] += 1
        return out


_DEFINITIONS_SQL = (
    "SELECT 'a', codename, type, choices, archived, builtin FROM {attributes} WHERE workspace_id = %s "
    "UNION ALL SELECT 'm', codename, type, NULL, archived, false FROM {metrics} WHERE workspace_id = %s"
)


def definitions_load(*, workspace_id: int) -> Definitions:
    """The workspace's attribute and metric definitions, in one query. It runs on every synchronous upsert,
    so it is plain SQL through Django's cursor (logged and counted like any query) rather than two ORM
    queries whose compilation costs more than the database does."""
    sql = _DEFINITIONS_SQL.format(
        attributes=connection.ops.quote_name(AttributeDefinition._meta.db_table),
        metrics=connection.ops.quote_name(MetricDefinition._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace_id, workspace_id])
        rows = cursor.fetchall()
    defs = Definitions()
    for kind, codename, type_, choices, archived, builtin in rows:
        if kind == "m":
            defs.metrics[codename] = Definition(type_, (), bool(archived))
            continue
        if isinstance(choices, str | bytes):  # SQLite, and Django's psycopg setup, return JSON as text
            choices = orjson.loads(choices)
        defs.attributes[codename] = Definition(type_, tuple(choices or ()), bool(archived), bool(builtin))
    return defs


def definitions_for(workspace: Workspace) -> Definitions:
    """The workspace's definitions for its current definitions version, from this process's cache when it
    has read them before (apps.attributes.versions): no query on the synchronous endpoints' hot path. The
    copy is the caller's to extend (Notifuse adds the slots it provisions)."""
    cached = definitions_cached("ingest", workspace, lambda: definitions_load(workspace_id=workspace.pk))
    return Definitions(attributes=dict(cached.attributes), metrics=dict(cached.metrics))


def contacts_ingest(
    *,
    workspace_id: int,
    records: Iterable[ContactRecord],
    policy: MatchPolicy | None = None,
    source: IngestSource,
    chunk_size: int | None = None,
    start_index: int = 0,
    definitions: Definitions | None = None,
    on_chunk: Callable[[list[RecordResult]], None] | None = None,
    with_rows: bool = False,
) -> IngestReport:
    """Apply `records` to the workspace's contacts; one result per record, in input order.

    With `with_rows`, each applied result carries `row`: the contact as stored by this call (every column,
    by attname), so a synchronous endpoint can answer without reading the contact back."""
    policy = policy or MatchPolicy()
    size = chunk_size or settings.INGEST_CHUNK_SIZE
    defs = definitions if definitions is not None else definitions_load(workspace_id=workspace_id)
    region = settings.PHONE_DEFAULT_REGION
    report = IngestReport()
    chunk: list[Prepared] = []
    index = start_index

    def flush() -> None:
        results = _chunk_ingest_with_retry(workspace_id, chunk, policy, source, with_rows)
        report.results.extend(results)
        if on_chunk is not None:
            on_chunk(results)
        chunk.clear()

    for record in records:
        chunk.append(prepare_record(index, record, defs, policy, region))
        index += 1
        if len(chunk) >= size:
            flush()
    if chunk:
        flush()
    return report


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, RetryChunk | IntegrityError):
        return True
    text = str(exc).lower()
    return isinstance(exc, OperationalError | DatabaseError) and (
        "deadlock" in text or "could not serialize" in text or "database is locked" in text
    )


def _chunk_ingest_with_retry(
    workspace_id: int,
    chunk: list[Prepared],
    policy: MatchPolicy,
    source: IngestSource,
    with_rows: bool = False,
) -> list[RecordResult]:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                results = _chunk_ingest(workspace_id, chunk, policy, source, with_rows)
                if policy.dry_run:
                    transaction.set_rollback(True)
                return results
        except Exception as exc:
            if attempt == MAX_ATTEMPTS or not _retryable(exc):
                raise
            logger.info("ingest chunk retry %s after %s: %s", attempt, type(exc).__name__, exc)
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


def _contacts_fetch(
    workspace_id: int, live: list[Prepared], keys: Sequence[str]
) -> tuple[dict[str, dict[Any, list[int]]], dict[int, dict[str, Any]]]:
    """One query for the whole chunk: every stored contact that any identity of any record points at, locked
    in id order (a stable order, so overlapping writers queue instead of deadlocking).

    Returns key → value → ids (in id order), and the full rows by id for merging."""
    wanted = {key: {p.identity(key) for p in live} - {None} for key in keys}
    found: dict[str, dict[Any, list[int]]] = {key: {} for key in keys}
    if not any(wanted.values()):
        return found, {}
    fetched = fetch_matching(
        Contact,
        FETCHED_COLUMNS,
        where={"workspace_id": workspace_id},
        matching={_LOOKUP_COLUMN[key]: values for key, values in wanted.items()},
        order_by="id",
        lock=True,
    )
    rows = {row[0]: dict(zip(FETCHED_COLUMNS, row, strict=True)) for row in fetched}
    for contact_id, row in rows.items():
        for key, values in wanted.items():
            value = row[_LOOKUP_COLUMN[key]]
            if value is not None and value in values:
                found[key].setdefault(value, []).append(contact_id)
    return found, rows


def _chunk_ingest(
    workspace_id: int,
    chunk: list[Prepared],
    policy: MatchPolicy,
    source: IngestSource,
    with_rows: bool = False,
) -> list[RecordResult]:
    now = timezone.now()
    results = [RecordResult(p.index, Outcome.FAILED, p.describe(), issues=list(p.issues)) for p in chunk]
    live = [p for p in chunk if not p.failed]
    lookup_keys = list(dict.fromkeys([*policy.keys, *UNIQUE_KEYS]))
    found, stored_rows = _contacts_fetch(workspace_id, live, lookup_keys)

    customers = _customers_resolve(workspace_id, live)
    assignment, customer_ids, new_count = _resolve(chunk, results, found, stored_rows, customers, policy)
    slots: dict[tuple[str, Any], Slot] = {}
    for kind, ref in assignment.values():
        if kind == "stored" and (kind, ref) not in slots:
            slots[(kind, ref)] = Slot.stored(stored_rows[ref])
    for n in range(new_count):
        slots[("new", n)] = Slot.new(now)
    side = SideTables.load(workspace_id, [chunk[pos] for pos in assignment], slots, policy, source, now)

    seen_new: set[tuple[str, Any]] = set()
    for pos, slot_key in assignment.items():
        p, result, slot = chunk[pos], results[pos], slots[slot_key]
        first_for_new = slot.is_new and slot_key not in seen_new
        changed = _apply(slot, p, policy, customer_ids.get(pos))
        if side.apply(slot, p, result):
            changed = True
            slot.dirty = True  # lists, tags, metrics… changed: updated_at moves too, so syncs see it
        if first_for_new:
            seen_new.add(slot_key)
            result.outcome = Outcome.CREATED
        else:
            result.outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        result.contact_public_id = slot.public_id

    if not policy.dry_run:
        _contacts_write(workspace_id, slots, source, now)
        side.write(slots)
    for pos, slot_key in assignment.items():
        if results[pos].outcome in (Outcome.SKIPPED, Outcome.FAILED):
            continue
        results[pos].contact_id = slots[slot_key].contact_id
        if with_rows and not policy.dry_run:
            results[pos].row = _stored_row(workspace_id, slots[slot_key], source, now)
    return results


def _stored_row(workspace_id: int, slot: Slot, source: IngestSource, now: dt.datetime) -> dict[str, Any]:
    """The contact as this chunk left it in the database, every column by attname."""
    row = dict(slot.row)
    row.update(
        id=slot.contact_id,
        public_id=slot.public_id,
        workspace_id=workspace_id,
        attributes=dict(slot.row["attributes"]),
    )
    if slot.dirty:  # written now: the stamps are this call's (see _contacts_write)
        row.update(
            updated_at=now,
            last_action=source.create_action if slot.is_new else source.update_action,
            last_source=source.name,
            last_import_id=source.import_job_id,
            last_api_key_id=source.api_key_id,
        )
    return row


def _issue(result: RecordResult, path: str, code: str, message: str, severity: str = "error") -> None:
    result.issues.append(Issue(path, code, message, severity))  # type: ignore[arg-type]


def _resolve(
    chunk: list[Prepared],
    results: list[RecordResult],
    found: dict[str, dict[Any, list[int]]],
    stored_rows: dict[int, dict[str, Any]],
    customers: dict[str, int],
    policy: MatchPolicy,
) -> tuple[dict[int, tuple[str, Any]], dict[int, Any], int]:
    """Give every record a slot: ("stored", contact id) or ("new", n), in input order, so that records of
    the chunk that share an identity share a slot. Records that cannot be applied get their outcome here."""
    index: dict[tuple[str, Any], tuple[str, Any]] = {}
    for key, by_value in found.items():
        for value, ids in by_value.items():
            index[(key, value)] = ("stored", ids[0])
    # The external id a slot holds: a contact keeps the external id it has (another one is another person).
    external_ids: dict[tuple[str, Any], Any] = {
        ("stored", i): row["external_id"] for i, row in stored_rows.items()
    }
    assignment: dict[int, tuple[str, Any]] = {}
    customer_ids: dict[int, Any] = {}
    new_count = 0
    for pos, p in enumerate(chunk):
        if p.failed:
            continue
        result = results[pos]
        match: tuple[str, Any] | None = None
        for key in policy.keys:
            value = p.identity(key)
            if value is not None and (key, value) in index:
                match = index[(key, value)]
                if key == "phone" and len(found["phone"].get(value, ())) > 1:
                    _issue(
                        result,
                        p.path("phone"),
                        "ambiguous_phone",
                        f"{value} belongs to several contacts; updated the oldest.",
                        "warning",
                    )
                break
        if (
            not policy.restore_deleted
            and match is not None
            and match[0] == "stored"
            and stored_rows[match[1]]["deleted_at"] is not None
        ):
            result.outcome = Outcome.SKIPPED
            _issue(result, "", "deleted", "The matching contact is deleted; not restored.", "warning")
            continue
        conflict = _conflicting_key(p, match, index, external_ids, policy.keys)
        if conflict is not None:
            _issue(
                result,
                p.path(conflict),
                "identity_conflict",
                f"{conflict.replace('_', ' ')} {p.fields[conflict]!r} conflicts with the identity of "
                "another contact; nothing was merged.",
            )
            continue
        if match is not None and policy.mode == "create_only":
            result.outcome = Outcome.SKIPPED
            _issue(result, "", "exists", "A contact with this identity already exists.", "warning")
            continue
        if match is None and policy.mode == "update_only":
            result.outcome = Outcome.SKIPPED
            _issue(result, "", "not_found", "No contact matches this record.")
            continue
        if match is None and not any(p.fields.get(k) for k in ("external_id", "email", "phone")):
            _issue(result, "", "no_identity", "The record has no external id, email or phone to store it by.")
            continue
        customer_id = _customer_for(p, customers, result, policy)
        if customer_id is False:
            result.outcome = Outcome.SKIPPED
            continue
        if match is None:
            match = ("new", new_count)
            new_count += 1
        assignment[pos] = match
        customer_ids[pos] = customer_id
        for key in UNIQUE_KEYS:
            value = p.fields.get(key)
            if value is not None:
                index[(key, value)] = match
        if "external_id" in p.fields:
            external_ids[match] = p.fields["external_id"]
    return assignment, customer_ids, new_count


def _conflicting_key(
    p: Prepared,
    match: tuple[str, Any] | None,
    index: dict[tuple[str, Any], tuple[str, Any]],
    external_ids: dict[tuple[str, Any], Any],
    keys: tuple[str, ...],
) -> str | None:
    """The identity field that makes this record point at two contacts, if any."""
    for key in UNIQUE_KEYS:
        value = p.fields.get(key)
        if value is None:
            continue
        owner = index.get((key, value))
        if owner is not None and owner != match:
            return key
    # When the dialect identifies contacts by external id, a contact found by another key that holds a
    # different external id is another person; when it does not (Trustmary, Notifuse), the id is data.
    external_id = p.fields.get("external_id")
    if match is not None and external_id is not None and "external_id" in keys:
        held = external_ids.get(match)
        if held is not None and held != external_id:
            return "external_id"
    return None


def _customers_resolve(workspace_id: int, prepared: list[Prepared]) -> dict[str, int]:
    wanted = {
        str(p.record.customer_external_id) for p in prepared if p.record.customer_external_id is not None
    }
    if not wanted:
        return {}
    return dict(
        Customer.objects.filter(workspace_id=workspace_id, external_id__in=wanted).values_list(
            "external_id", "id"
        )
    )


def _customer_for(p: Prepared, customers: dict[str, int], result: RecordResult, policy: MatchPolicy) -> Any:
    """The customer id to set, None to leave it, or False when the record must be skipped."""
    if p.record.clear_customer:
        return 0
    ref = p.record.customer_external_id
    if ref is None:
        return None
    customer_id = customers.get(str(ref))
    if customer_id is not None:
        return customer_id
    path = p.path("customer_external_id")
    if policy.unknown_customer == "skip":
        result.issues.append(Issue(path, "unknown_customer", f"ignored: unknown customer {ref!r}.", "error"))
        return False
    result.issues.append(
        Issue(path, "unknown_customer", f"unknown customer {ref!r}; link not set.", "warning")
    )
    return None


def _apply(slot: Slot, p: Prepared, policy: MatchPolicy, customer_id: int | None) -> bool:
    changed = False
    if slot.row["deleted_at"] is not None:
        changed |= slot.set("deleted_at", None)
        slot.restored = True
    restrict = None if slot.is_new else policy.overwrite_fields
    for name, value in p.fields.items():
        if restrict is not None and name not in restrict and slot.row.get(name) is not None:
            continue
        changed |= slot.set(name, value)
    restrict_attrs = None if slot.is_new else policy.overwrite_attributes
    for codename, value in p.attributes.items():
        if (
            restrict_attrs is not None
            and codename not in restrict_attrs
            and codename in slot.row["attributes"]
        ):
            continue
        changed |= slot.set_attribute(codename, value)
    if customer_id is not None:
        changed |= slot.set("customer_id", customer_id or None)
    return changed


_HISTORY_COLUMNS = ("contact", "at", "action", "changes", "source", "import_job", "api_key", "user")


def _contacts_write(
    workspace_id: int, slots: dict[tuple[str, Any], Slot], source: IngestSource, now: dt.datetime
) -> None:
    """Insert the new contacts, update the changed ones, and write their history rows. On PostgreSQL the
    history rides in the same two statements (see sql.ReturnedLog / sql.RowsInsert); SQLite writes it
    with a statement of its own."""
    from apps.contacts.models import ContactChange

    pg = _pg()
    new_slots = [s for s in slots.values() if s.is_new]
    # Insert in a stable order so two writers inserting overlapping new contacts wait instead of deadlocking.
    new_slots.sort(key=lambda s: (s.row["external_id"] or "", s.row["email"] or "", s.row["phone"] or ""))
    if new_slots:
        # Only the columns some new contact sets (the others take their NULL default): less to send and bind.
        columns = [c for c in _ROW_COLUMNS if any(s.row[c] is not None for s in new_slots)]
        rows = [
            [
                workspace_id,
                s.public_id,
                now,
                *(s.row[c] for c in columns),
                now,
                source.create_action,
                source.name,
                source.import_job_id,
                source.api_key_id,
            ]
            for s in new_slots
        ]
        log = ReturnedLog(
            ContactChange,
            _HISTORY_COLUMNS,
            (now, "created", {}, source.name, source.import_job_id, source.api_key_id, source.user_id),
        )
        returned = insert_rows(
            Contact,
            ("workspace", "public_id", "created_at", *columns, *_STAMP_COLUMNS),
            rows,
            conflict=() if pg else None,
            returning=("id", "public_id"),
            log=log if pg else None,
        )
        if not pg:
            returned = list(
                Contact.objects.filter(
                    workspace_id=workspace_id, public_id__in=[s.public_id for s in new_slots]
                ).values_list("id", "public_id")
            )
        ids = {public_id: contact_id for contact_id, public_id in returned}
        if len(ids) != len(new_slots):
            raise RetryChunk(f"{len(new_slots) - len(ids)} new contacts were inserted by another writer")
        for slot in new_slots:
            slot.contact_id = ids[slot.public_id]
        if not pg:
            insert_rows(ContactChange, _HISTORY_COLUMNS, [(s.contact_id, *log.values) for s in new_slots])
    changed = sorted((s for s in slots.values() if not s.is_new and s.dirty), key=lambda s: s.contact_id or 0)
    if changed:
        # Send only the columns some contact of the chunk changed, plus the provenance stamps.
        touched = {name.partition(".")[0] for s in changed for name in s.changes}
        columns = [c for c in STORED_COLUMNS if c in touched]
        history = [
            (
                s.contact_id,
                now,
                "restored" if s.restored else "updated",
                _jsonable(s.changes),
                source.name,
                source.import_job_id,
                source.api_key_id,
                source.user_id,
            )
            for s in changed
            if s.changes
        ]
        update_rows(
            Contact,
            ("id", *columns, *_STAMP_COLUMNS),
            [
                [
                    s.contact_id,
                    *(s.row[c] for c in columns),
                    now,
                    source.update_action,
                    source.name,
                    source.import_job_id,
                    source.api_key_id,
                ]
                for s in changed
            ],
            also=RowsInsert(ContactChange, _HISTORY_COLUMNS, history),
        )


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        name: [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in pair]
        for name, pair in changes.items()
    }


def _pg() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
