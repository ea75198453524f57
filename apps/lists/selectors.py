from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.lists.models import ContactList, ListMembership


def list_queryset(*, workspace_id: int, include_deleted: bool = False) -> QuerySet[ContactList]:
    qs = ContactList.objects.filter(workspace_id=workspace_id)
    return qs if include_deleted else qs.filter(deleted_at__isnull=True)


def lists_with_counts(*, workspace_id: int) -> QuerySet[ContactList]:
    return list_queryset(workspace_id=workspace_id).annotate(
        member_count=Count("memberships", filter=Q(memberships__contact__deleted_at__isnull=True))
    )


def lists_missing(*, workspace_id: int, public_ids: list[str]) -> list[str]:
    """The ids among `public_ids` that name no live list of the workspace (for a 400 before any write)."""
    found = set(
        list_queryset(workspace_id=workspace_id)
        .filter(public_id__in=public_ids)
        .values_list("public_id", flat=True)
    )
    return [i for i in public_ids if i not in found]


def list_get(*, workspace_id: int, public_id: str) -> ContactList | None:
    return list_queryset(workspace_id=workspace_id).filter(public_id=public_id).first()


def list_name_taken(*, workspace_id: int, name: str, exclude_id: int | None = None) -> bool:
    qs = list_queryset(workspace_id=workspace_id).filter(name=name.strip())
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def list_status_counts(*, workspace_id: int, list_ids: list[int]) -> dict[int, dict[str, int]]:
    """Live members per list and status, for the given lists of the workspace (one query)."""
    counts: dict[int, dict[str, int]] = {i: {} for i in list_ids}
    rows = (
        ListMembership.objects.filter(
            list_id__in=list_ids, list__workspace_id=workspace_id, contact__deleted_at__isnull=True
        )
        .values("list_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["list_id"]][row["status"]] = row["n"]
    return counts


def list_members_queryset(
    *, contact_list: ContactList, search: str = "", status: str = ""
) -> QuerySet[ListMembership]:
    """A list's live members (memberships with their contacts), optionally searched and by status."""
    from apps.contacts.filters import contact_search_q
    from apps.contacts.models import Contact

    qs = ListMembership.objects.filter(list=contact_list, contact__deleted_at__isnull=True).select_related(
        "contact"
    )
    if status:
        qs = qs.filter(status=status)
    if search.strip():
        matching = Contact.objects.filter(workspace_id=contact_list.workspace_id).filter(
            contact_search_q(search)
        )
        qs = qs.filter(contact__in=matching.values("id"))
    return qs


def list_candidates(*, contact_list: ContactList, search: str, limit: int = 20) -> list[Any]:
    """Live contacts matching `search`, each with `is_member` (whether it is on the list already)."""
    from django.db.models import Exists, OuterRef

    from apps.contacts.filters import contact_search_q
    from apps.contacts.models import Contact

    if not search.strip():
        return []
    return list(
        Contact.objects.filter(workspace_id=contact_list.workspace_id, deleted_at__isnull=True)
        .filter(contact_search_q(search))
        .annotate(is_member=Exists(ListMembership.objects.filter(list=contact_list, contact=OuterRef("pk"))))
        .order_by("email", "id")[:limit]
    )
