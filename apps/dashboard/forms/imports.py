"""Forms of the import pages: CSV upload, column mapping, issue filters, API keys."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.imports.csv_import import IGNORE, MATCH_KEYS, MODES, CsvMapping, MappingTarget
from apps.imports.models import IssueSeverity
from apps.workspaces.models import ApiKeyScope


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 or Latin-1; comma, semicolon, tab or pipe separated; first row: column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )


def _grouped(targets: list[MappingTarget]) -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for target in targets:
        groups.setdefault(target.group, []).append((target.value, target.label))
    return [(group, choices) if group else choices[0] for group, choices in groups.items()]


class CsvMappingForm(forms.Form):
    """One select per column (`col_<n>`), the match key and the mode."""

    match_key = forms.ChoiceField(
        choices=list(MATCH_KEYS.items()),
        label="Match contacts by",
        help_text="A row updates the contact with the same value; rows without one are skipped.",
    )
    mode = forms.ChoiceField(choices=list(MODES.items()), label="What to do", widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        targets: list[MappingTarget],
        initial_mapping: CsvMapping,
        **kwargs: Any,
    ) -> None:
        initial = {f"col_{n}": target for n, target in enumerate(initial_mapping.columns)}
        initial.update(match_key=initial_mapping.match_key, mode=initial_mapping.mode)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = _grouped(targets)
        for n, header in enumerate(headers):
            self.fields[f"col_{n}"] = forms.ChoiceField(choices=choices, label=header, initial=IGNORE)

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{n}"] for n in range(len(self.headers))]

    def mapping(self) -> CsvMapping:
        data = self.cleaned_data
        columns = [data[f"col_{n}"] for n in range(len(self.headers))]
        return CsvMapping(columns, data["match_key"], data["mode"])


class IssueFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), ("skipped", "Skipped"), ("failed", "Failed"),
                 ("created", "Created"), ("updated", "Updated"), ("unchanged", "Unchanged")],
    )  # fmt: skip
    severity = forms.ChoiceField(required=False, choices=[("", "Any severity"), *IssueSeverity.choices])
    code = forms.CharField(required=False, max_length=64)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Where the key is used, e.g. “Shop sync”.")
    scope = forms.ChoiceField(choices=ApiKeyScope.choices, initial=ApiKeyScope.READ, widget=forms.RadioSelect)
