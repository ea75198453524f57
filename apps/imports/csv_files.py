"""Uploaded CSV files: streamed to disk, sniffed once, then read row by row (never whole into memory).

An upload lives at `MEDIA_ROOT/imports/<workspace public id>/<token>.csv` with a sidecar `<token>.json`
(original name, size, encoding, delimiter, headers, row count). The workspace's public id is part of the
path, so a token of another workspace simply does not exist here (404). Import jobs store the file's path
relative to MEDIA_ROOT in their payload.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils import timezone

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1")
DELIMITERS = ",;\t|"
MAX_COLUMNS = 500
PREVIEW_ROWS = 5
_SAMPLE_BYTES = 64 * 1024
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


class CsvFileError(ValueError):
    """The file cannot be imported as CSV; the message says why, for the person who uploaded it."""


def csv_max_bytes() -> int:
    return int(getattr(settings, "CSV_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


# --- Upload: straight to a file next to its final place ---------------------------------------------------


class _PartialUpload(UploadedFile):
    """An upload being written to `imports/.partial/`; moved (same file system) once it is complete."""

    def __init__(self, directory: Path, name: str, content_type: str, charset: str | None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        file = tempfile.NamedTemporaryFile(suffix=".part", dir=directory)  # noqa: SIM115 (closed with us)
        super().__init__(file, name, content_type, 0, charset)

    def temporary_file_path(self) -> str:
        return self.file.name  # type: ignore[union-attr]

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):  # moved to its final place already
            self.file.close()  # type: ignore[union-attr]


class CsvUploadHandler(FileUploadHandler):
    """Writes the uploaded file to disk chunk by chunk and drops it (SkipFile) past `max_bytes`; the rest
    of the form is still parsed, so the view can say what went wrong. `too_large` tells it."""

    chunk_size = 1024 * 1024

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int | None = None) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes if max_bytes is not None else csv_max_bytes()
        self.too_large = False
        self.upload: _PartialUpload | None = None

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if content_length is not None and content_length > self.max_bytes:
            self.too_large = True
            raise SkipFile
        self.upload = _PartialUpload(imports_root() / ".partial", file_name, content_type, charset)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            if self.upload is not None:
                self.upload.close()
                self.upload = None
            raise SkipFile
        assert self.upload is not None
        self.upload.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.upload is None:
            return None
        self.upload.flush()
        self.upload.seek(0)
        self.upload.size = file_size
        return self.upload


# --- What a stored file is ----------------------------------------------------------------------------------


@dataclass
class CsvUpload:
    token: str
    workspace_public_id: str
    name: str
    size: int
    encoding: str
    delimiter: str
    headers: list[str]
    rows: int
    uploaded_at: str = ""
    uploaded_by: int | None = None
    preview: list[list[str]] = field(default_factory=list)

    @property
    def relative_path(self) -> str:
        return f"imports/{self.workspace_public_id}/{self.token}.csv"

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.relative_path

    @property
    def delimiter_label(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(self.delimiter, self.delimiter)


def _workspace_dir(workspace_public_id: str) -> Path:
    return imports_root() / workspace_public_id


def csv_upload_store(*, workspace_public_id: str, upload: UploadedFile, user_id: int | None) -> CsvUpload:
    """Move the streamed upload under MEDIA_ROOT/imports/, sniff it and write its sidecar. CsvFileError (and
    no file left behind) when it is not a CSV file we can read."""
    token = secrets.token_hex(16)
    directory = _workspace_dir(workspace_public_id)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{token}.csv"
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        Path(temporary()).replace(target)
    else:  # an in-memory upload (tests, tiny files through another handler)
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    try:
        meta = csv_file_sniff(target)
    except CsvFileError:
        target.unlink(missing_ok=True)
        raise
    stored = CsvUpload(
        token=token,
        workspace_public_id=workspace_public_id,
        name=Path(upload.name or "upload.csv").name[:200],
        size=target.stat().st_size,
        uploaded_at=timezone.now().isoformat(),
        uploaded_by=user_id,
        **meta,
    )
    (directory / f"{token}.json").write_text(json.dumps(asdict(stored)))
    return stored


def csv_upload_get(*, workspace_public_id: str, token: str) -> CsvUpload | None:
    if not _TOKEN_RE.match(token):
        return None
    sidecar = _workspace_dir(workspace_public_id) / f"{token}.json"
    try:
        data: dict[str, Any] = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return None
    upload = CsvUpload(**data)
    return upload if upload.path.is_file() else None


# --- Reading ---------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """utf-8-sig when the file starts with a BOM, utf-8 when all of it decodes as such, else latin-1 (which
    decodes any byte: the usual export of older spreadsheet apps)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        head = file.read(3)
        encoding = "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"
        file.seek(0)
        try:
            while chunk := file.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return encoding


def detect_delimiter(sample: str) -> str:
    """The delimiter of a sample (csv.Sniffer among , ; tab |); a comma when it cannot tell."""
    cut = sample.rfind("\n")
    sample = sample[:cut] if cut > 0 else sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _open(path: Path, encoding: str) -> Any:
    return path.open(encoding=encoding, newline="")


def csv_rows(path: Path, *, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every data row after the header; rows with no text at all are left out."""
    with _open(path, encoding) as file:
        reader = csv.reader(file, delimiter=delimiter)
        next(reader, None)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells


def csv_file_sniff(path: Path) -> dict[str, Any]:
    """Encoding, delimiter, headers, data row count and the first rows of the file; CsvFileError if the file
    is empty, binary or not readable as CSV."""
    encoding = detect_encoding(path)
    with _open(path, encoding) as file:
        sample = file.read(_SAMPLE_BYTES)
    if not sample.strip():
        raise CsvFileError("The file is empty.")
    if "\x00" in sample:
        raise CsvFileError("This does not look like a CSV file (it contains binary data).")
    delimiter = detect_delimiter(sample)
    with _open(path, encoding) as file:
        headers = next(csv.reader(file, delimiter=delimiter), [])
    if len(headers) > MAX_COLUMNS:
        raise CsvFileError(f"The file has {len(headers)} columns; at most {MAX_COLUMNS} can be imported.")
    headers = [h.strip() or f"column {n + 1}" for n, h in enumerate(headers)]
    preview: list[list[str]] = []
    rows = 0
    try:
        for _line, cells in csv_rows(path, encoding=encoding, delimiter=delimiter):
            if rows < PREVIEW_ROWS:
                preview.append(cells[: len(headers)])
            rows += 1
    except csv.Error as exc:
        raise CsvFileError(f"The file is not valid CSV after row {rows + 1}: {exc}.") from None
    return {
        "encoding": encoding,
        "delimiter": delimiter,
        "headers": headers,
        "rows": rows,
        "preview": preview,
    }
