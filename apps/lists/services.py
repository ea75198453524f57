from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from apps.core.errors import ApplicationError, ErrorDetail
from apps.ingest.records import ContactRecord, IngestSource, ListRef, MatchKey, MatchPolicy, Outcome
from apps.lists.models import ContactList


def list_create(*, workspace_id: int, name: str, description: str = "", type: str = "static") -> ContactList:
    name = name.strip()
    if not name:
        raise ApplicationError(
            "name: a list needs a name.", details=[ErrorDetail("name", "required", "Required.")]
        )
    if ContactList.objects.filter(workspace_id=workspace_id, name=name, deleted_at__isnull=True).exists():
        raise ApplicationError(
            f"name: a list named {name!r} already exists.",
            code="duplicate",
            status=409,
            details=[ErrorDetail("name", "duplicate", "A list with this name already exists.")],
        )
    return ContactList.objects.create(
        workspace_id=workspace_id, name=name, description=description, type=type
    )


def list_rename(*, contact_list: ContactList, name: str, description: str | None = None) -> ContactList:
    contact_list.name = name.strip()
    if description is not None:
        contact_list.description = description
    contact_list.save(update_fields=["name", "description", "updated_at"])
    return contact_list


def list_delete(*, contact_list: ContactList) -> None:
    contact_list.deleted_at = timezone.now()
    contact_list.save(update_fields=["deleted_at", "updated_at"])


# --- members (through the ingest: the one write path of contacts) -------------------------------------------


@dataclass
class MembersChange:
    """What adding or removing members did."""

    changed: int = 0  # memberships added, re-statused or removed
    unchanged: int = 0  # already in that state
    not_found: list[str] = field(default_factory=list)  # identities that matched no live contact


def _members_apply(
    *, workspace_id: int, records: list[ContactRecord], key: MatchKey, source: IngestSource
) -> MembersChange:
    from apps.ingest.services import contacts_ingest

    report = contacts_ingest(
        workspace_id=workspace_id,
        records=records,
        policy=MatchPolicy(keys=(key,), mode="update_only", restore_deleted=False),
        source=source,
    )
    outcome = MembersChange()
    for result in report.results:
        if result.outcome == Outcome.UPDATED:
            outcome.changed += 1
        elif result.outcome == Outcome.UNCHANGED:
            outcome.unchanged += 1
        else:
            outcome.not_found.append(result.identity)
    return outcome


def list_members_add(
    *,
    workspace_id: int,
    contact_list: ContactList,
    source: IngestSource,
    contact_ids: Sequence[int] = (),
    emails: Sequence[str] = (),
    external_ids: Sequence[str] = (),
    status: str = "subscribed",
) -> MembersChange:
    """Add live contacts, named by id, email or external id (one kind per call), to a list."""
    ref = [ListRef(public_id=contact_list.public_id, status=status)]
    if contact_ids:
        records = [ContactRecord(pk=i, lists_add=ref) for i in contact_ids]
        return _members_apply(workspace_id=workspace_id, records=records, key="pk", source=source)
    if emails:
        records = [ContactRecord(fields={"email": e}, lists_add=ref) for e in emails]
        return _members_apply(workspace_id=workspace_id, records=records, key="email", source=source)
    records = [ContactRecord(fields={"external_id": e}, lists_add=ref) for e in external_ids]
    return _members_apply(workspace_id=workspace_id, records=records, key="external_id", source=source)


def list_members_remove(
    *, workspace_id: int, contact_list: ContactList, contact_ids: Sequence[int], source: IngestSource
) -> MembersChange:
    ref = [ListRef(public_id=contact_list.public_id)]
    records = [ContactRecord(pk=i, lists_remove=ref) for i in contact_ids]
    return _members_apply(workspace_id=workspace_id, records=records, key="pk", source=source)
