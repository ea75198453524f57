"""Forms of the contacts pages. They parse and check input; the ingest checks values (types, email, phone)
and its issues are shown on the fields they name."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django import forms

from apps.attributes.models import AttributeDefinition, AttributeType
from apps.contacts.models import Channel, Contact, ContactStatus, ContactType, Gender
from apps.ingest.records import Issue

ATTRIBUTE_PREFIX = "attr__"

# The core fields the edit form offers, in display order: (name, label, input type).
CORE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("email", "Email", "email"),
    ("phone", "Phone", "tel"),
    ("external_id", "External id", "text"),
    ("first_name", "First name", "text"),
    ("last_name", "Last name", "text"),
    ("full_name", "Full name", "text"),
    ("company", "Company", "text"),
    ("job_title", "Job title", "text"),
    ("language", "Language", "text"),
    ("timezone", "Time zone", "text"),
    ("address_line1", "Address line 1", "text"),
    ("address_line2", "Address line 2", "text"),
    ("city", "City", "text"),
    ("region", "Region / state", "text"),
    ("postcode", "Postcode", "text"),
    ("country", "Country", "text"),
)


def attribute_text(definition_type: str, value: Any) -> str:
    """A stored attribute value as the text its form input shows."""
    if value is None:
        return ""
    if definition_type == AttributeType.BOOLEAN:
        return "true" if value else "false"
    if definition_type == AttributeType.JSON:
        return json.dumps(value, ensure_ascii=False)
    if definition_type == AttributeType.DATETIME and isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return str(value)


def _attribute_field(definition: AttributeDefinition) -> forms.Field:
    label = definition.label
    help_text = definition.description
    kind = definition.type
    if kind == AttributeType.BOOLEAN:
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=[("", "—"), ("true", "Yes"), ("false", "No")],
        )
    if kind == AttributeType.CHOICE:
        choices = [("", "—"), *((c, c) for c in definition.choices or [])]
        return forms.ChoiceField(label=label, help_text=help_text, required=False, choices=choices)
    if kind == AttributeType.JSON:
        return forms.CharField(
            label=label,
            help_text=help_text or "JSON",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    input_type = {
        AttributeType.NUMBER: "number",
        AttributeType.DATE: "date",
        AttributeType.DATETIME: "datetime-local",
    }.get(kind, "text")  # type: ignore[call-overload]
    attrs = {"type": input_type}
    if input_type in ("number", "datetime-local"):
        attrs["step"] = "any" if input_type == "number" else "1"
    if kind == AttributeType.DATETIME:
        help_text = help_text or "UTC"
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.TextInput(attrs=attrs)
    )


class ContactEditForm(forms.Form):
    """Core fields and the workspace's custom attributes. Only changed inputs are sent to the ingest: an
    untouched input keeps the stored value, an emptied one clears it."""

    type = forms.ChoiceField(choices=ContactType.choices)
    status = forms.ChoiceField(choices=ContactStatus.choices)
    gender = forms.ChoiceField(choices=[("", "—"), *Gender.choices], required=False)
    birth_date = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "date"}))
    customer = forms.CharField(
        required=False, label="Customer (external id)", help_text="Empty: no customer.", max_length=255
    )

    def __init__(
        self, data: Any = None, *, contact: Contact, definitions: Sequence[AttributeDefinition]
    ) -> None:
        self.contact = contact
        self.definitions = [d for d in definitions if not d.builtin and not d.archived]
        initial = {name: getattr(contact, name) or "" for name, _, _ in CORE_FIELDS}
        initial.update(
            type=contact.type,
            status=contact.status,
            gender=contact.gender or "",
            birth_date=contact.birth_date.isoformat() if contact.birth_date else "",
            customer=contact.customer.external_id if contact.customer else "",
        )
        for d in self.definitions:
            initial[ATTRIBUTE_PREFIX + d.codename] = attribute_text(
                d.type, contact.attributes.get(d.codename)
            )
        super().__init__(data, initial=initial)
        core = {
            name: forms.CharField(
                label=label,
                required=False,
                max_length=255,
                widget=forms.TextInput(attrs={"type": input_type}),
            )
            for name, label, input_type in CORE_FIELDS
        }
        self.fields = {**core, **self.fields}
        for d in self.definitions:
            self.fields[ATTRIBUTE_PREFIX + d.codename] = _attribute_field(d)

    @property
    def core_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(ATTRIBUTE_PREFIX)]

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]

    def record_parts(self) -> tuple[dict[str, Any], dict[str, Any], str | None, bool]:
        """(fields, attributes, customer external id, clear customer) from the changed inputs only."""
        fields: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        customer, clear_customer = None, False
        for name in self.changed_data:
            value = self.cleaned_data[name]
            text = value.strip() if isinstance(value, str) else value
            if name.startswith(ATTRIBUTE_PREFIX):
                attributes[name.removeprefix(ATTRIBUTE_PREFIX)] = text or None
            elif name == "customer":
                if text:
                    customer = text
                else:
                    clear_customer = True
            else:
                fields[name] = text or None
        return fields, attributes, customer, clear_customer

    def add_issues(self, issues: list[Issue]) -> None:
        for issue in issues:
            if issue.severity != "error":
                continue
            path = issue.path
            if path.startswith("attributes."):
                path = ATTRIBUTE_PREFIX + path.removeprefix("attributes.")
            elif path == "customer_external_id":
                path = "customer"
            message = issue.message[:1].upper() + issue.message[1:]
            self.add_error(path if path in self.fields else None, message)


BULK_ACTIONS = (
    ("add_to_list", "Add to list"),
    ("remove_from_list", "Remove from list"),
    ("tag", "Add tag"),
    ("untag", "Remove tag"),
    ("unsubscribe", "Unsubscribe a channel"),
    ("delete", "Delete"),
)
ADMIN_BULK_ACTIONS = frozenset({"delete"})


class IdListField(forms.Field):
    """Repeated `ids=` values as integers; the selection is narrowed to the workspace when it is read."""

    widget = forms.MultipleHiddenInput
    MAX = 5000

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.MAX:
            raise forms.ValidationError(
                f"Select at most {self.MAX} contacts, or use “All matching the filter”."
            )
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError("Invalid selection.") from None


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    scope = forms.ChoiceField(choices=[("selected", "Selected contacts"), ("all", "All matching the filter")])
    ids = IdListField(required=False)
    list = forms.ChoiceField(required=False)
    tag = forms.CharField(required=False, max_length=100)
    channel = forms.ChoiceField(choices=[("", "—"), *Channel.choices], required=False)
    filter = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, lists: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["list"].choices = [("", "—"), *lists]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("add_to_list", "remove_from_list") and not data.get("list"):
            self.add_error("list", "Choose a list.")
        if action in ("tag", "untag") and not (data.get("tag") or "").strip():
            self.add_error("tag", "Enter a tag.")
        if action == "unsubscribe" and not data.get("channel"):
            self.add_error("channel", "Choose a channel.")
        if data.get("scope") == "selected" and not data.get("ids"):
            self.add_error(None, "Select at least one contact, or choose “All matching the filter”.")
        return data


class EraseForm(forms.Form):
    confirm = forms.CharField(label="Type the contact's email or id to confirm", max_length=254, strip=True)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        self.contact = contact
        super().__init__(*args, **kwargs)

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"]
        accepted = {self.contact.public_id}
        if self.contact.email:
            accepted.add(self.contact.email.lower())
        if typed not in accepted and typed.lower() not in accepted:
            raise forms.ValidationError("That is not this contact's email or id.")
        return typed
