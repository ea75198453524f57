from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.contacts.models import ChannelSubscription, Contact, Customer
from apps.lists.models import ListMembership


def contact_queryset(*, workspace_id: int, include_deleted: bool = False) -> QuerySet[Contact]:
    qs = Contact.objects.filter(workspace_id=workspace_id)
    return qs if include_deleted else qs.filter(deleted_at__isnull=True)


def contact_get(*, workspace_id: int, include_deleted: bool = False, **lookup: Any) -> Contact | None:
    """One contact of the workspace by a unique lookup (email=, external_id=, public_id=, pk=), or None."""
    return (
        contact_queryset(workspace_id=workspace_id, include_deleted=include_deleted).filter(**lookup).first()
    )


def contact_from_row(row: dict[str, Any]) -> Contact:
    """A Contact instance from a full row (every column by attname), as `contacts_ingest(with_rows=True)`
    returns it: what a write endpoint answers with, without reading back what it has just written."""
    names = [f.attname for f in Contact._meta.concrete_fields]
    return Contact.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names])


def contact_with_relations(*, workspace_id: int, contact_id: int) -> Contact | None:
    """A contact with its customer, tags, list memberships and subscriptions, in a fixed number of queries."""
    return (
        Contact.objects.filter(workspace_id=workspace_id, pk=contact_id)
        .select_related("customer")
        .prefetch_related(
            "tags",
            Prefetch(
                "list_memberships", queryset=ListMembership.objects.select_related("list").order_by("list_id")
            ),
            Prefetch("subscriptions", queryset=ChannelSubscription.objects.order_by("channel", "address")),
        )
        .first()
    )


def customer_get(*, workspace_id: int, external_id: str) -> Customer | None:
    return Customer.objects.filter(workspace_id=workspace_id, external_id=external_id).first()


CONTACT_SEARCH_FIELDS = frozenset(
    {"email", "external_id", "first_name", "last_name", "full_name", "phone", "country", "language"}
)


def contacts_newest_first(
    *,
    workspace_id: int,
    limit: int,
    contains: dict[str, str] | None = None,
    list_public_id: str | None = None,
    membership_status: str | None = None,
    before: tuple[Any, int] | None = None,
    with_lists: bool = False,
) -> list[Contact]:
    """Up to `limit` live contacts, newest first, by keyset: `before` is the (created_at, id) of the last row
    of the previous page. `contains` filters columns by case-insensitive substring; `list_public_id` keeps
    members of that live list (with `membership_status`, only those in that status)."""
    qs = contact_queryset(workspace_id=workspace_id)
    for name, text in (contains or {}).items():
        if name not in CONTACT_SEARCH_FIELDS:
            raise ValueError(f"contacts cannot be searched by {name!r}")
        qs = qs.filter(**{f"{name}__icontains": text})
    if list_public_id is not None:
        members = ListMembership.objects.filter(
            contact=OuterRef("pk"),
            list__workspace_id=workspace_id,
            list__public_id=list_public_id,
            list__deleted_at__isnull=True,
        )
        if membership_status is not None:
            members = members.filter(status=membership_status)
        qs = qs.filter(Exists(members))
    if before is not None:
        created_at, contact_id = before
        qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=contact_id))
    qs = qs.order_by("-created_at", "-id")
    if with_lists:
        memberships = ListMembership.objects.select_related("list").order_by("list_id")
        qs = qs.prefetch_related(Prefetch("list_memberships", queryset=memberships))
    return list(qs[:limit])
