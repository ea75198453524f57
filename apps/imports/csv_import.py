"""CSV import: a bulk dialect like the vendors' ones, whose payload is a file on disk.

- The dashboard stores the upload (`apps.imports.csv_files`), proposes a mapping of its columns to contact
  fields, attribute definitions and list membership (remembered per workspace), and starts a job with
  `csv_import_start`. A dry run is the same job with `dry_run` set: the ingest runs with
  `MatchPolicy(dry_run=True)` chunk by chunk, so its counts and issues say what a real run would do, for a
  file of any size, with the same progress and report pages. `csv_import_confirm` then starts the real run.
- The job payload is `{"file": <path relative to MEDIA_ROOT>}`; the options hold the mapping. The plan streams
  rows from `iterate(start)`, so a resumed job does not read the file into memory.
- Cells are text: records carry `text_values=True`, so "42", "true" and "2025-01-01" are typed by the
  attribute's definition. An empty cell leaves the stored value alone (absent, not null).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings

from apps.attributes.builtins import BUILTIN_ATTRIBUTES
from apps.attributes.models import AttributeDefinition
from apps.core.errors import ApplicationError
from apps.imports.csv_files import CsvUpload, csv_rows
from apps.imports.models import CsvMappingPreset, ImportJob, ImportSource, ImportStatus
from apps.imports.registry import BulkDialect, BulkPlan, ItemRejected, bulk_dialect_register
from apps.imports.services import import_job_create
from apps.ingest.records import ContactRecord, Issue, ListRef, MatchPolicy
from apps.lists.selectors import list_queryset

IGNORE = "ignore"
MATCH_KEYS = {"email": "Email", "external_id": "External id", "phone": "Phone"}
MODES = {"upsert": "Create and update", "create_only": "Create only", "update_only": "Update only"}
_FALSE = {"0", "no", "n", "false", "off", "unsubscribed", "-"}
# Header spellings that mean a built-in field (after lower-casing and joining words with "_").
_ALIASES = {
    "e_mail": "email",
    "email_address": "email",
    "mail": "email",
    "mobile": "phone",
    "phone_number": "phone",
    "telephone": "phone",
    "tel": "phone",
    "firstname": "first_name",
    "first": "first_name",
    "given_name": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "name": "full_name",
    "fullname": "full_name",
    "id": "external_id",
    "externalid": "external_id",
    "zip": "postcode",
    "zip_code": "postcode",
    "postal_code": "postcode",
    "state": "region",
    "dob": "birth_date",
    "birthday": "birth_date",
    "birthdate": "birth_date",
    "organisation": "company",
    "organization": "company",
}


class CsvImportError(ApplicationError):
    """The mapping or the job cannot be used; the message is for the person importing."""


@dataclass(frozen=True)
class MappingTarget:
    value: str  # "ignore", "field:<name>", "attr:<codename>", "list:<public id>"
    label: str
    group: str


@dataclass
class CsvMapping:
    columns: list[str]  # one target per column, in the file's order
    match_key: str
    mode: str
    remembered: bool = False  # taken from the mapping last used for these very headers


def _normalised(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def headers_signature(headers: list[str]) -> str:
    return hashlib.sha256(orjson.dumps([_normalised(h) for h in headers])).hexdigest()


def csv_mapping_targets(*, workspace_id: int) -> list[MappingTarget]:
    """Everything a column can be mapped to in this workspace."""
    targets = [MappingTarget(IGNORE, "Ignore this column", "")]
    targets += [MappingTarget(f"field:{b.codename}", b.label, "Contact fields") for b in BUILTIN_ATTRIBUTES]
    definitions = AttributeDefinition.objects.filter(
        workspace_id=workspace_id, builtin=False, archived=False
    ).order_by("label", "codename")
    targets += [
        MappingTarget(f"attr:{d.codename}", f"{d.label} ({d.codename})", "Attributes") for d in definitions
    ]
    lists = list_queryset(workspace_id=workspace_id).order_by("name")
    targets += [MappingTarget(f"list:{lst.public_id}", f"Member of “{lst.name}”", "Lists") for lst in lists]
    return targets


def _by_name(header: str, targets: list[MappingTarget]) -> str:
    """The target a header names: a field (or a common alias), an attribute codename or label, a list."""
    norm = _normalised(header)
    fields = {t.value.split(":", 1)[1]: t.value for t in targets if t.value.startswith("field:")}
    field = _ALIASES.get(norm, norm)
    if field in fields:
        return fields[field]
    for target in targets:
        if target.value == f"attr:{header.strip()}":  # codenames are case-sensitive: exact first
            return target.value
    for target in targets:
        kind, _, name = target.value.partition(":")
        if kind == "field" and _normalised(target.label) == norm:
            return target.value
        if kind == "attr" and norm in (_normalised(name), _normalised(target.label.rsplit(" (", 1)[0])):
            return target.value
        if kind == "list":
            list_name = target.label.removeprefix("Member of “").removesuffix("”")
            if norm in (_normalised(list_name), _normalised(f"list {list_name}")):
                return target.value
    return IGNORE


def _default_match_key(columns: list[str]) -> str:
    for key in MATCH_KEYS:
        if f"field:{key}" in columns:
            return key
    return "email"


def csv_mapping_suggest(*, workspace_id: int, headers: list[str], targets: list[MappingTarget]) -> CsvMapping:
    """The mapping last used for the same headers in this workspace; else, column by column, the target
    last chosen for that header, or the one its name points at."""
    valid = {t.value for t in targets}
    presets = list(CsvMappingPreset.objects.filter(workspace_id=workspace_id).order_by("-updated_at")[:20])
    signature = headers_signature(headers)
    for preset in presets:
        if preset.headers_signature == signature and len(preset.columns) == len(headers):
            columns = [c if c in valid else IGNORE for c in preset.columns]
            return CsvMapping(columns, preset.match_key, preset.mode, remembered=True)
    remembered: dict[str, str] = {}
    for preset in reversed(presets):  # newest last, so it wins
        for header, target in zip(preset.headers, preset.columns, strict=False):
            remembered[_normalised(header)] = target
    columns = []
    for header in headers:
        target = remembered.get(_normalised(header))
        columns.append(target if target in valid else _by_name(header, targets))
    return CsvMapping(columns, _default_match_key(columns), "upsert")


def csv_mapping_check(mapping: CsvMapping, *, headers: list[str], targets: list[MappingTarget]) -> list[str]:
    """What is wrong with a mapping (empty when it can be imported)."""
    valid = {t.value for t in targets}
    errors = []
    if len(mapping.columns) != len(headers):
        errors.append("Map every column of the file (or ignore it).")
    unknown = [c for c in mapping.columns if c not in valid]
    if unknown:
        errors.append("Some columns are mapped to something that no longer exists; choose again.")
    used = [c for c in mapping.columns if c != IGNORE]
    if not used:
        errors.append("Map at least one column.")
    twice = sorted({c for c in used if used.count(c) > 1})
    labels = {t.value: t.label for t in targets}
    for target in twice:
        errors.append(f"Two columns are mapped to {labels.get(target, target)}.")
    if mapping.match_key not in MATCH_KEYS:
        errors.append("Choose the match key: email, external id or phone.")
    elif f"field:{mapping.match_key}" not in used:
        errors.append(f"Map a column to {MATCH_KEYS[mapping.match_key]}: it is the match key.")
    if mapping.mode not in MODES:
        errors.append("Choose what to do: create and update, create only or update only.")
    return errors


def csv_mapping_preset_save(
    *, workspace_id: int, headers: list[str], mapping: CsvMapping
) -> CsvMappingPreset:
    preset, _ = CsvMappingPreset.objects.update_or_create(
        workspace_id=workspace_id,
        headers_signature=headers_signature(headers),
        defaults={
            "headers": headers,
            "columns": mapping.columns,
            "match_key": mapping.match_key,
            "mode": mapping.mode,
        },
    )
    return preset


def csv_import_start(
    *,
    workspace_id: int,
    upload: CsvUpload,
    mapping: CsvMapping,
    dry_run: bool,
    user_id: int | None,
) -> ImportJob:
    """Remember the mapping and queue the import (or its dry run) as a job."""
    targets = csv_mapping_targets(workspace_id=workspace_id)
    errors = csv_mapping_check(mapping, headers=upload.headers, targets=targets)
    if errors:
        raise CsvImportError(" ".join(errors))
    csv_mapping_preset_save(workspace_id=workspace_id, headers=upload.headers, mapping=mapping)
    options = {
        "file_name": upload.name,
        "headers": upload.headers,
        "columns": mapping.columns,
        "match_key": mapping.match_key,
        "mode": mapping.mode,
        "encoding": upload.encoding,
        "delimiter": upload.delimiter,
        "rows": upload.rows,
        "dry_run": dry_run,
    }
    return import_job_create(
        workspace_id=workspace_id,
        source=ImportSource.CSV,
        payload=orjson.dumps({"file": upload.relative_path}),
        payload_file=upload.relative_path,
        received=upload.rows,
        options=options,
        user_id=user_id,
    )


def csv_import_confirm(*, job: ImportJob, user_id: int | None) -> ImportJob:
    """The real run of a finished dry run: the same file and mapping, written this time."""
    if job.source != ImportSource.CSV or not job.options.get("dry_run"):
        raise CsvImportError("Only a CSV dry run can be run for real.")
    if job.status != ImportStatus.COMPLETED:
        raise CsvImportError("Wait for the dry run to finish.")
    if not csv_file_path(job.payload_file).is_file():
        raise CsvImportError("The uploaded file is gone; upload it again.")
    return import_job_create(
        workspace_id=job.workspace_id,
        source=ImportSource.CSV,
        payload=orjson.dumps({"file": job.payload_file}),
        payload_file=job.payload_file,
        received=job.received,
        options={**job.options, "dry_run": False},
        user_id=user_id,
    )


# --- The dialect -------------------------------------------------------------------------------------------


def csv_file_path(relative: str) -> Path:
    """The absolute path of a stored upload; refuses anything outside MEDIA_ROOT/imports/."""
    root = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    path = (root.parent / relative).resolve()
    if root not in path.parents:
        raise CsvImportError(f"{relative!r} is not a stored CSV upload")
    return path


def csv_row_record(
    line: int, cells: list[str], *, headers: list[str], columns: list[str], match_key: str
) -> ContactRecord | ItemRejected:
    """One row as a canonical record (pure)."""
    record = ContactRecord(text_values=True)
    for position, target in enumerate(columns):
        if target == IGNORE or position >= len(cells):
            continue
        value = cells[position].strip()
        if not value:
            continue
        kind, _, name = target.partition(":")
        where = f"{headers[position][:100]} (line {line})"
        if kind == "field":
            record.fields[name] = value
            record.paths[name] = where
        elif kind == "attr":
            record.attributes[name] = value
            record.paths[f"attributes.{name}"] = where
        elif kind == "list":
            refs = record.lists_remove if value.lower() in _FALSE else record.lists_add
            refs.append(ListRef(public_id=name))
    if not record.fields.get(match_key):
        key_column = columns.index(f"field:{match_key}") if f"field:{match_key}" in columns else None
        where = f"{headers[key_column][:100]} (line {line})" if key_column is not None else f"line {line}"
        message = f"The row has no {MATCH_KEYS[match_key].lower()}, the match key; skipped."
        identity = next((record.fields[k] for k in MATCH_KEYS if record.fields.get(k)), "")
        return ItemRejected([Issue(where, "missing_match_key", message)], identity=identity[:255])
    return record


def csv_plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    path = csv_file_path(str(payload["file"]))
    headers, columns = list(options["headers"]), list(options["columns"])
    match_key = str(options["match_key"])
    encoding, delimiter = str(options["encoding"]), str(options["delimiter"])
    policy = MatchPolicy(keys=(match_key,), mode=options["mode"], dry_run=bool(options.get("dry_run")))  # type: ignore[arg-type]

    def iterate(start: int) -> Iterator[ContactRecord | ItemRejected]:
        rows = csv_rows(path, encoding=encoding, delimiter=delimiter)
        for line, cells in itertools.islice(rows, start, None):
            yield csv_row_record(line, cells, headers=headers, columns=columns, match_key=match_key)

    total = options.get("rows")
    if not isinstance(total, int):
        total = sum(1 for _ in csv_rows(path, encoding=encoding, delimiter=delimiter))
    return BulkPlan(policy=policy, total=total, iterate=iterate)


bulk_dialect_register(BulkDialect(source=ImportSource.CSV, plan=csv_plan, record_items=True))
