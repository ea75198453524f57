"""Writes to single contacts that are not ingest (which is the bulk writer): delete, restore, erase."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.utils import timezone

from apps.contacts.models import ChannelSubscription, Contact, ContactChange, SubscriptionStatus
from apps.ingest.records import ChannelChange, ContactRecord, IngestSource, ListRef, MatchPolicy


@transaction.atomic
def contacts_soft_delete(*, workspace_id: int, contact_ids: list[int], source: IngestSource) -> int:
    """Mark contacts deleted: they keep their identity and history, and disappear from lists and searches."""
    now = timezone.now()
    ids = list(
        Contact.objects.filter(workspace_id=workspace_id, id__in=contact_ids, deleted_at__isnull=True)
        .select_for_update()
        .values_list("id", flat=True)
    )
    if not ids:
        return 0
    Contact.objects.filter(id__in=ids).update(
        deleted_at=now,
        updated_at=now,
        last_action="DELETE",
        last_source=source.name,
        last_import_id=source.import_job_id,
        last_api_key_id=source.api_key_id,
    )
    ContactChange.objects.bulk_create(
        [
            ContactChange(
                contact_id=i,
                at=now,
                action="deleted",
                changes={"deleted_at": [None, now.isoformat()]},
                source=source.name,
                import_job_id=source.import_job_id,
                api_key_id=source.api_key_id,
                user_id=source.user_id,
            )
            for i in ids
        ]
    )
    return len(ids)


@transaction.atomic
def contacts_erase(*, workspace_id: int, contact_ids: list[int]) -> int:
    """GDPR erasure: the contacts and everything about them (metrics, memberships, subscriptions, consent,
    history) are removed for good."""
    deleted, _ = Contact.objects.filter(workspace_id=workspace_id, id__in=contact_ids).delete()
    return min(deleted, len(contact_ids))


# --- bulk changes from the dashboard (through the ingest) ---------------------------------------------------


@dataclass(frozen=True)
class BulkChange:
    """One change applied to many contacts: list adds/removes, tags, or unsubscribing a channel."""

    lists_add: tuple[ListRef, ...] = ()
    lists_remove: tuple[ListRef, ...] = ()
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    unsubscribe_channel: str | None = None


@dataclass
class BulkOutcome:
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.changed + self.unchanged + self.skipped


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def contacts_bulk_change(
    *,
    workspace_id: int,
    contact_ids: Iterable[int],
    change: BulkChange,
    source: IngestSource,
    chunk_size: int = 1000,
) -> BulkOutcome:
    """Apply `change` to the live contacts among `contact_ids` (read lazily, a chunk at a time), through the
    ingest. Each chunk commits on its own: a very large selection is not one long transaction.

    Unsubscribing a channel turns every *subscribed* address of that channel off; blacklisted stays
    blacklisted, and a contact without a subscription on the channel is left alone."""
    from apps.ingest.services import contacts_ingest

    policy = MatchPolicy(keys=("pk",), mode="update_only", restore_deleted=False)
    outcome = BulkOutcome()
    for chunk in _chunks(contact_ids, chunk_size):
        channels: dict[int, list[ChannelChange]] = {}
        if change.unsubscribe_channel:
            for contact_id, address in ChannelSubscription.objects.filter(
                contact_id__in=chunk,
                contact__workspace_id=workspace_id,
                channel=change.unsubscribe_channel,
                status=SubscriptionStatus.SUBSCRIBED,
            ).values_list("contact_id", "address"):
                channels.setdefault(contact_id, []).append(
                    ChannelChange(change.unsubscribe_channel, SubscriptionStatus.UNSUBSCRIBED, address)
                )
        records = [
            ContactRecord(
                pk=contact_id,
                lists_add=list(change.lists_add),
                lists_remove=list(change.lists_remove),
                tags_add=list(change.tags_add),
                tags_remove=list(change.tags_remove),
                channels=channels.get(contact_id, []),
            )
            for contact_id in chunk
        ]
        report = contacts_ingest(workspace_id=workspace_id, records=records, policy=policy, source=source)
        counts = report.counts
        outcome.changed += counts["updated"]
        outcome.unchanged += counts["unchanged"]
        outcome.skipped += counts["skipped"] + counts["failed"]
    return outcome


def contacts_bulk_soft_delete(
    *, workspace_id: int, contact_ids: Iterable[int], source: IngestSource, chunk_size: int = 1000
) -> int:
    """Soft-delete the contacts among `contact_ids` a chunk at a time; returns how many were deleted."""
    return sum(
        contacts_soft_delete(workspace_id=workspace_id, contact_ids=chunk, source=source)
        for chunk in _chunks(contact_ids, chunk_size)
    )
