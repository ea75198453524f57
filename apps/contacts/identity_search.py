"""Live contacts looked up by identity (email, phone, external id), a page at a time, with what a
vendor's contact body shows: subscriptions and list memberships (with their lists), prefetched."""

from __future__ import annotations

from django.db.models import Prefetch

from apps.contacts.models import ChannelSubscription, Contact
from apps.contacts.selectors import contact_queryset
from apps.lists.models import ListMembership


def contacts_by_identity(
    *,
    workspace_id: int,
    email: str | None = None,
    phone: str | None = None,
    external_id: str | None = None,
    offset: int = 0,
    limit: int = 500,
) -> list[Contact]:
    """The workspace's live contacts matching every identity given (all of them when none is), in id order.

    Three queries whatever the page size: the page, its subscriptions, its memberships with their lists."""
    qs = contact_queryset(workspace_id=workspace_id)
    if email is not None:
        qs = qs.filter(email=email)
    if phone is not None:
        qs = qs.filter(phone=phone)
    if external_id is not None:
        qs = qs.filter(external_id=external_id)
    qs = qs.order_by("id").prefetch_related(
        Prefetch("subscriptions", queryset=ChannelSubscription.objects.order_by("channel", "address")),
        Prefetch(
            "list_memberships",
            queryset=ListMembership.objects.filter(list__deleted_at__isnull=True)
            .select_related("list")
            .order_by("list_id"),
        ),
    )
    return list(qs[offset : offset + limit])
