"""Forms of the attribute and metric definition pages."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.attributes.models import AttributeType, MetricType

CODENAME_HELP = "Letters, digits and underscores; case-sensitive; cannot be changed later."


def choices_from_text(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ChoicesField(forms.CharField):
    """One choice per line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", "One choice per line (for the Choice type).")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class AttributeCreateForm(forms.Form):
    codename = forms.RegexField(regex=r"^[A-Za-z0-9_]{1,100}$", max_length=100, help_text=CODENAME_HELP)
    label = forms.CharField(max_length=200, required=False, help_text="Shown in the dashboard.")
    type = forms.ChoiceField(choices=AttributeType.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    choices = ChoicesField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") == AttributeType.CHOICE and not choices_from_text(data.get("choices") or ""):
            self.add_error("choices", "A choice attribute needs at least one choice.")
        return data


class AttributeEditForm(forms.Form):
    label = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    choices = ChoicesField()

    def __init__(self, *args: Any, is_choice: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_choice:
            del self.fields["choices"]

    def clean_choices(self) -> str:
        text = self.cleaned_data.get("choices") or ""
        if not choices_from_text(text):
            raise forms.ValidationError("A choice attribute needs at least one choice.")
        return text


class AttributeTypeForm(forms.Form):
    type = forms.ChoiceField(choices=AttributeType.choices, label="New type")
    choices = ChoicesField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") == AttributeType.CHOICE and not choices_from_text(data.get("choices") or ""):
            self.add_error("choices", "A choice attribute needs at least one choice.")
        return data


class MetricCreateForm(forms.Form):
    codename = forms.RegexField(regex=r"^[A-Za-z0-9_]{1,100}$", max_length=100, help_text=CODENAME_HELP)
    label = forms.CharField(max_length=200, required=False, help_text="Shown in the dashboard.")
    type = forms.ChoiceField(choices=MetricType.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MetricEditForm(forms.Form):
    label = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MetricTypeForm(forms.Form):
    type = forms.ChoiceField(choices=MetricType.choices, label="New type")
