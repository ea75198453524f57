"""Filtering the contacts of a workspace (django-filter): the dashboard's contact search and bulk selection.

The attribute filter is typed: the value is coerced by the definition's type exactly as the ingest stores it,
then matched with JSON containment (`attributes @> {"plan": "pro"}`), which PostgreSQL answers from the GIN
`jsonb_path_ops` index on `attributes` (apps/contacts/migrations/0002). SQLite has no JSON containment, so
there the same typed value is compared with a key lookup; both variants run the dashboard tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTransform

from apps.attributes.coercion import CoercionError, coerce_value
from apps.attributes.models import AttributeDefinition
from apps.contacts.models import (
    Channel,
    ChannelSubscription,
    Contact,
    ContactStatus,
    ContactTag,
    ContactType,
    SubscriptionStatus,
)
from apps.lists.models import ContactList, ListMembership, MembershipStatus

DELETED_CHOICES = (("only", "Deleted only"),)


def contact_search_q(text: str) -> Q:
    """Email, names, external id, public id or phone.

    A complete email address or phone number is looked up exactly (the unique email index and the phone
    index answer it at any size); anything else matches names and email by substring, and ids exactly."""
    from apps.ingest.normalise import normalise_email, normalise_phone

    text = text.strip()
    exact_ids = Q(external_id=text) | Q(public_id=text)
    if "@" in text and " " not in text:
        with suppress(CoercionError):
            return Q(email=normalise_email(text)) | exact_ids
    if sum(c.isdigit() for c in text) >= 6 and not any(c.isalpha() for c in text):
        with suppress(CoercionError):
            return Q(phone=normalise_phone(text, settings.PHONE_DEFAULT_REGION)) | Q(phone=text) | exact_ids
    condition = (
        Q(email__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(full_name__icontains=text)
        | Q(phone=text)
        | exact_ids
    )
    words = text.split()
    if len(words) == 2:
        condition |= Q(first_name__icontains=words[0], last_name__icontains=words[1])
    return condition


def attribute_value_filter(
    queryset: QuerySet[Contact], definition: AttributeDefinition, raw: str
) -> QuerySet[Contact]:
    """Contacts whose attribute `definition` holds `raw` (typed); CoercionError when `raw` does not fit."""
    value = coerce_value(definition.type, raw.strip(), choices=definition.choices or (), text=True)
    if definition.builtin:
        return queryset.filter(**{definition.codename: value})
    if connection.vendor == "postgresql":
        return queryset.filter(attributes__contains={definition.codename: value})
    # A named alias rather than `attributes__<codename>`: a codename may read like a lookup ("exact").
    return queryset.alias(attribute_match=KeyTransform(definition.codename, "attributes")).filter(
        attribute_match=value
    )


class ContactFilterForm(forms.Form):
    """Checks the attribute value against its definition's type, so a typo says why instead of matching
    nothing."""

    definitions: dict[str, AttributeDefinition] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codename, raw = data.get("attr"), (data.get("attr_value") or "").strip()
        if raw and not codename:
            self.add_error("attr", "Choose the attribute to match this value against.")
        elif codename and raw:
            definition = self.definitions[codename]
            try:
                coerce_value(definition.type, raw, choices=definition.choices or (), text=True)
            except CoercionError as exc:
                self.add_error(
                    "attr_value", f"{definition.label} is a {definition.get_type_display()} attribute: {exc}."
                )
        return data


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search")
    customer = django_filters.CharFilter(
        label="Customer (external id)", field_name="customer__external_id", lookup_expr="exact"
    )
    list = django_filters.ChoiceFilter(label="List", method="filter_noop", empty_label="Any list")
    list_status = django_filters.ChoiceFilter(
        label="List status", choices=MembershipStatus.choices, method="filter_noop", empty_label="Any status"
    )
    status = django_filters.ChoiceFilter(choices=ContactStatus.choices, empty_label="Any status")
    type = django_filters.ChoiceFilter(choices=ContactType.choices, empty_label="Any type")
    tag = django_filters.CharFilter(label="Tag", method="filter_tag")
    channel = django_filters.ChoiceFilter(
        label="Channel", choices=Channel.choices, method="filter_noop", empty_label="Any channel"
    )
    channel_status = django_filters.ChoiceFilter(
        label="Channel status",
        choices=SubscriptionStatus.choices,
        method="filter_noop",
        empty_label="Any status",
    )
    attr = django_filters.ChoiceFilter(label="Attribute", method="filter_noop", empty_label="Any attribute")
    attr_value = django_filters.CharFilter(label="Attribute value", method="filter_noop")
    created = django_filters.DateFromToRangeFilter(
        label="Created",
        field_name="created_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    updated = django_filters.DateFromToRangeFilter(
        label="Updated",
        field_name="updated_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    deleted = django_filters.ChoiceFilter(
        label="Deleted", choices=DELETED_CHOICES, method="filter_noop", empty_label="Live contacts"
    )

    class Meta:
        model = Contact
        fields: list[str] = []
        form = ContactFilterForm

    def __init__(
        self,
        data: Any = None,
        *,
        workspace_id: int,
        definitions: Sequence[AttributeDefinition],
        lists: Sequence[ContactList],
        **kwargs: Any,
    ) -> None:
        self.workspace_id = workspace_id
        self.definitions = {d.codename: d for d in definitions}
        self.lists = {cl.public_id: cl for cl in lists}
        queryset = Contact.objects.filter(workspace_id=workspace_id)
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["list"].extra["choices"] = [(cl.public_id, cl.name) for cl in lists]
        self.filters["attr"].extra["choices"] = [
            (d.codename, f"{d.label} ({d.codename})") for d in definitions
        ]

    # Filters that combine two inputs (list + status, channel + status, attribute + value) are applied
    # together in filter_queryset; on their own they do nothing.
    def filter_noop(self, queryset: QuerySet[Contact], name: str, value: Any) -> QuerySet[Contact]:
        return queryset

    def filter_search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        return queryset.filter(contact_search_q(value)) if value.strip() else queryset

    def filter_tag(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        if not value.strip():
            return queryset
        tagged = ContactTag.objects.filter(
            contact=OuterRef("pk"), tag__workspace_id=self.workspace_id, tag__name=value.strip()
        )
        return queryset.filter(Exists(tagged))

    def filter_queryset(self, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("deleted") == "only":
            queryset = queryset.filter(deleted_at__isnull=False)
        else:
            queryset = queryset.filter(deleted_at__isnull=True)
        if data.get("list"):
            members = ListMembership.objects.filter(contact=OuterRef("pk"), list=self.lists[data["list"]])
            if data.get("list_status"):
                members = members.filter(status=data["list_status"])
            queryset = queryset.filter(Exists(members))
        if data.get("channel") or data.get("channel_status"):
            subscriptions = ChannelSubscription.objects.filter(contact=OuterRef("pk"))
            if data.get("channel"):
                subscriptions = subscriptions.filter(channel=data["channel"])
            if data.get("channel_status"):
                subscriptions = subscriptions.filter(status=data["channel_status"])
            queryset = queryset.filter(Exists(subscriptions))
        codename = data.get("attr")
        if codename:
            definition = self.definitions[codename]
            raw = data.get("attr_value") or ""
            if raw.strip():
                queryset = attribute_value_filter(queryset, definition, raw)
            elif definition.builtin:
                queryset = queryset.filter(**{f"{codename}__isnull": False})
            else:
                queryset = queryset.filter(attributes__has_key=codename)
        return queryset

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            form.definitions = self.definitions
            for name in ("created", "updated"):
                start, end = form.fields[name].widget.widgets
                start.attrs["aria-label"] = f"{name.capitalize()} from"
                end.attrs["aria-label"] = f"{name.capitalize()} until"
        return super().form

    @property
    def active_count(self) -> int:
        """How many filters are set (for the "Filters (3)" summary)."""
        data = getattr(self.form, "cleaned_data", {}) or {}
        skip = {"q", "attr_value", "list_status", "channel_status"}
        count = 0
        for name, value in data.items():
            if name in skip:
                continue
            if isinstance(value, slice):
                count += int(value.start is not None or value.stop is not None)
            elif value:
                count += 1
        return count


def contacts_filter(*, workspace_id: int, data: Any) -> ContactFilter:
    """The workspace's contact filter over `data` (a QueryDict), with its attribute and list choices loaded
    (two queries)."""
    definitions = list(
        AttributeDefinition.objects.filter(workspace_id=workspace_id, archived=False).order_by(
            "builtin", "label"
        )
    )
    lists = list(
        ContactList.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True).order_by("name")
    )
    # Always bound: an unbound FilterSet skips filter_queryset, which is where deleted contacts are hidden.
    return ContactFilter(
        data if data is not None else {}, workspace_id=workspace_id, definitions=definitions, lists=lists
    )


def contact_ids_iter(*, queryset: QuerySet[Contact], chunk_size: int = 1000) -> Iterator[int]:
    """The ids of `queryset`, read a chunk at a time in id order (keyset; safe while the set is changed)."""
    last = 0
    while True:
        ids = list(queryset.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:chunk_size])
        yield from ids
        if len(ids) < chunk_size:
            return
        last = ids[-1]
