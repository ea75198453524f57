"""Forms of the lists pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.dashboard.forms.contacts import IdListField
from apps.lists.models import MembershipStatus

MAX_PASTED = 10_000


class ListForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PasteMembersForm(forms.Form):
    key = forms.ChoiceField(
        choices=[("email", "Emails"), ("external_id", "External ids")], initial="email", label="They are"
    )
    text = forms.CharField(
        label="Paste emails or external ids",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "one per line, or separated by commas"}),
        max_length=2_000_000,
    )
    status = forms.ChoiceField(choices=MembershipStatus.choices, initial=MembershipStatus.SUBSCRIBED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("text") or ""
        # External ids may contain spaces: split them by lines and commas only; emails by any whitespace too.
        pattern = r"[\s,;]+" if data.get("key") == "email" else r"[\r\n,;]+"
        values = [v.strip() for v in re.split(pattern, text) if v.strip()]
        if data.get("key") == "email":
            values = [v.lower() for v in values]  # emails are stored lower-cased: one contact, one line
        values = list(dict.fromkeys(values))
        if not values:
            self.add_error("text", "Paste at least one value.")
        elif len(values) > MAX_PASTED:
            self.add_error("text", f"Paste at most {MAX_PASTED:,} values at once.")
        data["values"] = values
        return data


class MemberIdsForm(forms.Form):
    ids = IdListField(error_messages={"required": "Select at least one contact."})
    status = forms.ChoiceField(
        choices=MembershipStatus.choices, initial=MembershipStatus.SUBSCRIBED, required=False
    )
