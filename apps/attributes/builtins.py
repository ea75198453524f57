"""Built-in attribute codenames: each maps to a Contact column of the same name."""

from __future__ import annotations

from typing import NamedTuple


class Builtin(NamedTuple):
    codename: str
    label: str
    type: str


BUILTIN_ATTRIBUTES: tuple[Builtin, ...] = (
    Builtin("external_id", "External id", "string"),
    Builtin("email", "Email", "string"),
    Builtin("phone", "Phone", "string"),
    Builtin("first_name", "First name", "string"),
    Builtin("last_name", "Last name", "string"),
    Builtin("full_name", "Full name", "string"),
    Builtin("company", "Company", "string"),
    Builtin("job_title", "Job title", "string"),
    Builtin("language", "Language", "string"),
    Builtin("timezone", "Time zone", "string"),
    Builtin("address_line1", "Address line 1", "string"),
    Builtin("address_line2", "Address line 2", "string"),
    Builtin("city", "City", "string"),
    Builtin("region", "Region / state", "string"),
    Builtin("postcode", "Postcode", "string"),
    Builtin("country", "Country", "string"),
    Builtin("gender", "Gender", "choice"),
    Builtin("birth_date", "Birth date", "date"),
)
BUILTIN_CODENAMES: frozenset[str] = frozenset(b.codename for b in BUILTIN_ATTRIBUTES)
