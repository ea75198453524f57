"""Keyset pages of a workspace's live contacts in id order, with their tags.

Ids are assigned in insert order, so id order is creation order; a page is "the next `limit` contacts past
this id", which costs the same at any depth (no OFFSET, no COUNT). Two queries whatever the page size: the
page and its tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models.fields.json import KeyTransform

from apps.contacts.models import Contact
from apps.contacts.selectors import contact_queryset


@dataclass(frozen=True, slots=True)
class ContactFilters:
    """Exact matches on stored (normalised) values; every filter given must hold."""

    external_id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phones: tuple[str, ...] | None = None  # any of these E.164 numbers
    phone_prefix: str | None = None  # E.164 numbers that start with this (a country code, "+44")
    attributes: tuple[tuple[str, Any], ...] = ()  # (custom attribute codename, stored JSON value)


def contacts_page_by_id(
    *,
    workspace_id: int,
    filters: ContactFilters | None = None,
    after_id: int | None = None,
    descending: bool = False,
    limit: int,
) -> list[Contact]:
    """Up to `limit` live contacts of the workspace, by id ascending (or descending), starting past
    `after_id` in that order (greater ids ascending, smaller ones descending), tags prefetched."""
    f = filters or ContactFilters()
    qs = contact_queryset(workspace_id=workspace_id)
    for name in ("external_id", "email", "first_name", "last_name"):
        value = getattr(f, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if f.phones is not None:
        qs = qs.filter(phone__in=f.phones)
    if f.phone_prefix is not None:
        qs = qs.filter(phone__startswith=f.phone_prefix)
    for n, (codename, value) in enumerate(f.attributes):
        # A transform rather than an `attributes__<codename>` lookup string: any codename is safe here.
        alias = f"_attribute_{n}"
        qs = qs.alias(**{alias: KeyTransform(codename, "attributes")}).filter(**{alias: value})
    if after_id is not None:
        qs = qs.filter(id__lt=after_id) if descending else qs.filter(id__gt=after_id)
    qs = qs.order_by("-id" if descending else "id").prefetch_related("tags")
    return list(qs[:limit])
