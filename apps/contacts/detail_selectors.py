"""Reads for one contact's page and its GDPR export: history, consent, metrics. Each is one query."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.attributes.models import ContactMetric
from apps.contacts.models import ChannelSubscription, ConsentRecord, Contact, ContactChange
from apps.ingest.records import CONTACT_FIELDS
from apps.lists.models import ListMembership

CONTACT_EXPORT_FIELDS: tuple[str, ...] = (
    "public_id",
    *CONTACT_FIELDS,
    "created_at",
    "updated_at",
    "deleted_at",
    "last_action",
    "last_source",
)


def contact_changes(*, workspace_id: int, contact_id: int, limit: int = 100) -> list[ContactChange]:
    """The latest changes of a contact, newest first, with who or what made them."""
    return list(
        ContactChange.objects.filter(contact_id=contact_id, contact__workspace_id=workspace_id)
        .select_related("user", "api_key", "import_job")
        .order_by("-at", "-id")[:limit]
    )


def contact_consents(*, workspace_id: int, contact_id: int) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(contact_id=contact_id, contact__workspace_id=workspace_id).order_by(
        "-at", "-id"
    )


def contact_metric_rows(*, workspace_id: int, contact_id: int, limit: int = 366) -> list[ContactMetric]:
    """The contact's latest `limit` metric dates, oldest first."""
    rows = list(
        ContactMetric.objects.filter(contact_id=contact_id, contact__workspace_id=workspace_id).order_by(
            "-date"
        )[:limit]
    )
    rows.reverse()
    return rows


def contact_gdpr_export(*, workspace_id: int, contact_id: int) -> dict[str, Any] | None:
    """Everything the hub stores about one contact, as plain JSON-able data (GDPR Art. 15 / 20)."""
    contact = (
        Contact.objects.filter(workspace_id=workspace_id, pk=contact_id).select_related("customer").first()
    )
    if contact is None:
        return None
    memberships = ListMembership.objects.filter(contact_id=contact_id).select_related("list").order_by("id")
    subscriptions = ChannelSubscription.objects.filter(contact_id=contact_id).order_by("channel", "address")
    metrics = ContactMetric.objects.filter(contact_id=contact_id).order_by("date")
    return {
        "contact": {name: getattr(contact, name) for name in CONTACT_EXPORT_FIELDS},
        "attributes": contact.attributes,
        "customer": (
            {"external_id": contact.customer.external_id, "name": contact.customer.name}
            if contact.customer
            else None
        ),
        "tags": list(contact.tags.order_by("name").values_list("name", flat=True)),
        "lists": [
            {
                "list": m.list.name,
                "list_id": m.list.public_id,
                "status": m.status,
                "added_at": m.added_at,
                "changed_at": m.changed_at,
                "source": m.source,
            }
            for m in memberships
        ],
        "subscriptions": [
            {
                "channel": s.channel,
                "address": s.address,
                "status": s.status,
                "changed_at": s.changed_at,
                "source": s.source,
            }
            for s in subscriptions
        ],
        "consents": [
            {"kind": c.kind, "granted": c.granted, "at": c.at, "ip": c.ip, "source": c.source}
            for c in contact_consents(workspace_id=workspace_id, contact_id=contact_id)
        ],
        "metrics": [{"date": m.date, "values": m.values} for m in metrics],
        "history": [
            {"at": c.at, "action": c.action, "changes": c.changes, "source": c.source}
            for c in ContactChange.objects.filter(contact_id=contact_id).order_by("at", "id")
        ],
    }


def contact_for_page(*, workspace_id: int, public_id: str) -> Contact | None:
    """A contact of the workspace (deleted ones too) with its customer, tags, memberships of live lists and
    subscriptions, in a fixed number of queries."""
    from django.db.models import Prefetch

    return (
        Contact.objects.filter(workspace_id=workspace_id, public_id=public_id)
        .select_related("customer")
        .prefetch_related(
            "tags",
            Prefetch(
                "list_memberships",
                queryset=ListMembership.objects.filter(list__deleted_at__isnull=True)
                .select_related("list")
                .order_by("list__name"),
            ),
            Prefetch("subscriptions", queryset=ChannelSubscription.objects.order_by("channel", "address")),
        )
        .first()
    )
