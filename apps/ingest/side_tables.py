"""Metrics, list memberships, channel subscriptions, tags and consent of one chunk: read once, merged in
memory per slot, written with one statement per table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from apps.attributes.models import ContactMetric
from apps.contacts.models import ChannelSubscription, ConsentRecord, ContactTag, Tag
from apps.ingest.prepare import CHANNELS, SUBSCRIPTION_STATUSES, Prepared
from apps.ingest.records import IngestSource, Issue, ListRef, MatchPolicy, RecordResult
from apps.ingest.sql import delete_pairs, fetch_matching, insert_rows
from apps.ingest.state import Slot, same_value
from apps.lists.models import ContactList, ListMembership, new_list_public_id

SlotKey = tuple[str, Any]


def _returning_supported() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class SideTables:
    workspace_id: int
    policy: MatchPolicy
    source: IngestSource
    now: dt.datetime
    lists_by_public_id: dict[str, int] = field(default_factory=dict)
    lists_by_name: dict[str, int] = field(default_factory=dict)
    tags_by_name: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        workspace_id: int,
        prepared: list[Prepared],
        slots: dict[SlotKey, Slot],
        policy: MatchPolicy,
        source: IngestSource,
        now: dt.datetime,
    ) -> SideTables:
        self = cls(workspace_id, policy, source, now)
        stored = {s.contact_id: s for s in slots.values() if not s.is_new}
        stored_ids = list(stored)
        records = [p.record for p in prepared]

        refs = [ref for r in records for ref in (*r.lists_add, *r.lists_remove)]
        if refs:
            self._lists_resolve(refs)
            list_ids = set(self.lists_by_public_id.values()) | set(self.lists_by_name.values())
            if stored_ids and list_ids:
                for contact_id, list_id, status in fetch_matching(
                    ListMembership,
                    ("contact_id", "list_id", "status"),
                    where={},
                    matching={"contact_id": stored_ids, "list_id": list_ids},
                    combine="and",
                ):
                    stored[contact_id].memberships[list_id] = status

        dates = {d for p in prepared for d in p.metrics}
        if dates and stored_ids:
            for contact_id, date, values in fetch_matching(
                ContactMetric,
                ("contact_id", "date", "values"),
                where={},
                matching={"contact_id": stored_ids, "date": dates},
                combine="and",
            ):
                stored[contact_id].metrics[date] = dict(values or {})

        if stored_ids and any(r.channels for r in records):
            for contact_id, channel, address, status in fetch_matching(
                ChannelSubscription,
                ("contact_id", "channel", "address", "status"),
                where={},
                matching={"contact_id": stored_ids},
            ):
                stored[contact_id].subscriptions[(channel, address)] = status

        tag_names = {t for p in prepared for t in (*p.tags_add, *p.tags_remove)}
        if tag_names:
            self._tags_resolve(tag_names, create={t for p in prepared for t in p.tags_add})
            if stored_ids and self.tags_by_name:
                for contact_id, tag_id in fetch_matching(
                    ContactTag,
                    ("contact_id", "tag_id"),
                    where={},
                    matching={"contact_id": stored_ids, "tag_id": list(self.tags_by_name.values())},
                    combine="and",
                ):
                    stored[contact_id].tags.add(tag_id)

        kinds = {c.kind for r in records for c in r.consents}
        if kinds and stored_ids:
            for contact_id, kind, granted, at in fetch_matching(
                ConsentRecord,
                ("contact_id", "kind", "granted", "at"),
                where={},
                matching={"contact_id": stored_ids, "kind": kinds},
                combine="and",
                order_by="at",
            ):
                stored[contact_id].consents_latest[kind] = (granted, at)
        return self

    # --- resolution of lists and tags (created on demand) -----------------------------------------------

    def _lists_resolve(self, refs: list[ListRef]) -> None:
        public_ids = {r.public_id for r in refs if r.public_id}
        names = {r.name for r in refs if r.name and not r.public_id}
        self._lists_fetch(public_ids, names)
        missing = sorted(
            {r.name for r in refs if r.create and r.name and not r.public_id} - set(self.lists_by_name)
        )
        if not missing:
            return
        if self.policy.dry_run:
            for n, name in enumerate(missing, start=1):
                self.lists_by_name[name] = -n
            return
        insert_rows(
            ContactList,
            ("workspace", "public_id", "name", "description", "type", "created_at", "updated_at"),
            [
                (self.workspace_id, new_list_public_id(), name, "", "static", self.now, self.now)
                for name in missing
            ],
            conflict=(),
        )
        self._lists_fetch(set(), set(missing))

    def _lists_fetch(self, public_ids: set[str], names: set[str]) -> None:
        if not public_ids and not names:
            return
        for list_id, public_id, name in ContactList.objects.filter(
            Q(public_id__in=public_ids) | Q(name__in=names),
            workspace_id=self.workspace_id,
            deleted_at__isnull=True,
        ).values_list("id", "public_id", "name"):
            self.lists_by_public_id[public_id] = list_id
            self.lists_by_name[name] = list_id

    def _list_id(self, ref: ListRef) -> int | None:
        if ref.public_id:
            return self.lists_by_public_id.get(ref.public_id)
        return self.lists_by_name.get(ref.name or "")

    def _tags_resolve(self, names: set[str], create: set[str]) -> None:
        self.tags_by_name = dict(
            Tag.objects.filter(workspace_id=self.workspace_id, name__in=names).values_list("name", "id")
        )
        missing = sorted(create - set(self.tags_by_name))
        if not missing:
            return
        if self.policy.dry_run:
            for n, name in enumerate(missing, start=1):
                self.tags_by_name[name] = -n
            return
        insert_rows(Tag, ("workspace", "name"), [(self.workspace_id, name) for name in missing], conflict=())
        self.tags_by_name.update(
            Tag.objects.filter(workspace_id=self.workspace_id, name__in=missing).values_list("name", "id")
        )

    # --- merge ----------------------------------------------------------------------------------------------

    def apply(self, slot: Slot, p: Prepared, result: RecordResult) -> bool:
        """Merge the record's side changes into the slot; True when anything changed."""
        record = p.record
        changed = False
        for date, values in p.metrics.items():
            current = slot.metrics.get(date)
            merged = dict(current or {})
            if current is None and not any(v is not None for v in values.values()):
                continue  # clearing values of a date that holds none changes nothing
            for codename, value in values.items():
                if value is None:
                    merged.pop(codename, None)
                else:
                    merged[codename] = value
            if (
                current is None
                or not all(
                    codename in current and same_value(current[codename], v) for codename, v in merged.items()
                )
                or len(current) != len(merged)
            ):
                slot.metrics[date] = merged
                slot.metrics_dirty.add(date)
                changed = True
        for ref in record.lists_add:
            list_id = self._list_id(ref)
            if list_id is None:
                result.issues.append(
                    Issue(
                        p.path("lists"),
                        "unknown_list",
                        f"list {ref.public_id or ref.name!r} does not exist; not added.",
                        "warning",
                    )
                )
                continue
            before = slot.memberships.get(list_id)
            if before != ref.status:
                if before is None:
                    result.lists_added += 1
                slot.memberships[list_id] = ref.status
                slot.memberships_dirty.add(list_id)
                slot.memberships_removed.discard(list_id)
                changed = True
        for ref in record.lists_remove:
            list_id = self._list_id(ref)
            if list_id is not None and list_id in slot.memberships:
                del slot.memberships[list_id]
                slot.memberships_dirty.discard(list_id)
                slot.memberships_removed.add(list_id)
                changed = True
        for change in record.channels:
            if change.channel not in CHANNELS or change.status not in SUBSCRIPTION_STATUSES:
                continue  # reported when the record was prepared
            address = change.address
            if address is None:
                own = {"email": "email", "sms": "phone"}.get(change.channel)
                address = (slot.row.get(own) if own else "") or ""
                if own and not address:
                    result.issues.append(
                        Issue(
                            p.path(f"channels.{change.channel}"),
                            "no_address",
                            f"no {own} to attach the {change.channel} subscription to.",
                            "warning",
                        )
                    )
                    continue
            key = (change.channel, address)
            if slot.subscriptions.get(key) != change.status:
                slot.subscriptions[key] = change.status
                slot.subscriptions_dirty.add(key)
                changed = True
        for name in p.tags_add:
            tag_id = self.tags_by_name.get(name)
            if tag_id is not None and tag_id not in slot.tags:
                slot.tags.add(tag_id)
                slot.tags_added.add(tag_id)
                slot.tags_removed.discard(tag_id)
                changed = True
        for name in p.tags_remove:
            tag_id = self.tags_by_name.get(name)
            if tag_id is not None and tag_id in slot.tags:
                slot.tags.discard(tag_id)
                slot.tags_removed.add(tag_id)
                slot.tags_added.discard(tag_id)
                changed = True
        for event in record.consents:
            at = event.at or self.now
            latest = slot.consents_latest.get(event.kind)
            # Consent is evidence: append a new record only when it says something new.
            if (
                latest is not None
                and latest[0] == event.granted
                and (event.at is None or latest[1] == event.at)
            ):
                continue
            slot.consents_latest[event.kind] = (event.granted, at)
            slot.consents_new.append((event.kind, event.granted, at, event.ip))
            changed = True
        return changed

    # --- write ----------------------------------------------------------------------------------------------

    def write(self, slots: dict[SlotKey, Slot]) -> None:
        now, source = self.now, self.source.name
        ordered = sorted(slots.values(), key=lambda s: s.contact_id or 0)
        metric_rows = [(s.contact_id, d, s.metrics[d]) for s in ordered for d in sorted(s.metrics_dirty)]
        insert_rows(
            ContactMetric,
            ("contact", "date", "values"),
            metric_rows,
            conflict=("contact", "date"),
            update=("values",),
        )
        membership_rows = [
            (list_id, s.contact_id, s.memberships[list_id], now, now, source)
            for s in ordered
            for list_id in sorted(s.memberships_dirty)
        ]
        insert_rows(
            ListMembership,
            ("list", "contact", "status", "added_at", "changed_at", "source"),
            membership_rows,
            conflict=("list", "contact"),
            update=("status", "changed_at", "source"),
        )
        delete_pairs(
            ListMembership,
            ("list", "contact"),
            [(list_id, s.contact_id) for s in ordered for list_id in sorted(s.memberships_removed)],
        )
        subscription_rows = [
            (s.contact_id, channel, address, s.subscriptions[(channel, address)], now, source)
            for s in ordered
            for channel, address in sorted(s.subscriptions_dirty)
        ]
        insert_rows(
            ChannelSubscription,
            ("contact", "channel", "address", "status", "changed_at", "source"),
            subscription_rows,
            conflict=("contact", "channel", "address"),
            update=("status", "changed_at", "source"),
        )
        insert_rows(
            ContactTag,
            ("contact", "tag", "added_at"),
            [(s.contact_id, t, now) for s in ordered for t in sorted(s.tags_added)],
            conflict=(),
        )
        delete_pairs(
            ContactTag,
            ("contact", "tag"),
            [(s.contact_id, t) for s in ordered for t in sorted(s.tags_removed)],
        )
        insert_rows(
            ConsentRecord,
            ("contact", "kind", "granted", "at", "ip", "source", "import_job", "recorded_at"),
            [
                (s.contact_id, kind, granted, at, ip, source, self.source.import_job_id, now)
                for s in ordered
                for kind, granted, at, ip in s.consents_new
            ],
        )
