"""The per-item report of an import as CSV; cells a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from apps.imports.models import ImportJob
from apps.imports.selectors import import_issues

REPORT_HEADER = ["item_index", "identity", "outcome", "severity", "field", "code", "message"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Spreadsheet apps run a cell that starts with = + - @ (or a tab/CR before one): prefix a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterator[Sequence[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def import_report_rows(job: ImportJob) -> Iterator[Sequence[object]]:
    yield REPORT_HEADER
    for issue in import_issues(job=job).iterator(chunk_size=2000):
        yield [
            issue.item_index,
            issue.identity,
            issue.outcome,
            issue.severity,
            issue.field,
            issue.code,
            issue.message,
        ]
