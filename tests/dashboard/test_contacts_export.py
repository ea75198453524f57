"""CSV export of the filtered contacts: streamed, every row once, formula cells escaped."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from apps.dashboard import exports
from apps.dashboard.exports import csv_cell
from apps.ingest.records import ContactRecord
from tests.dashboard.conftest import ingest

URL = reverse("dashboard:contacts_export")


def rows(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tleading tab", "'\tleading tab"),
        ("\rleading cr", "'\rleading cr"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-5, -5),
        (2.5, 2.5),
        (True, "true"),
        (None, ""),
        ({"a": "=1"}, '{"a": "=1"}'),
        (["x"], '["x"]'),
    ],
)
def test_csv_cell_escapes_formulas(value, cell):
    assert csv_cell(value) == cell


def test_export_streams_the_filtered_set_with_attribute_columns(
    as_viewer, make_contacts, definitions, workspace
):
    make_contacts(3, prefix="pro", attributes={"plan": "pro", "score": 5})
    make_contacts(2, prefix="free", attributes={"plan": "free"})
    response = as_viewer.get(URL, {"attr": "plan", "attr_value": "pro"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    exported = rows(response)
    assert sorted(r["email"] for r in exported) == [f"pro{n}@example.test" for n in range(3)]
    assert {r["attributes.plan"] for r in exported} == {"pro"}
    assert {r["attributes.score"] for r in exported} == {"5"}


def test_export_escapes_formula_cells_from_stored_values(as_viewer, workspace, definitions):
    ingest(
        workspace,
        ContactRecord(
            fields={"email": "evil@example.test", "first_name": "=cmd|' /C calc'!A0", "company": "@evil"},
            attributes={"nickname": "+SUM(1)"},
        ),
    )
    (row,) = rows(as_viewer.get(URL))
    assert row["first_name"] == "'=cmd|' /C calc'!A0"
    assert row["company"] == "'@evil"
    assert row["attributes.nickname"] == "'+SUM(1)"


def test_export_reads_in_chunks_without_duplicates(as_viewer, make_contacts, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    make_contacts(11)
    exported = rows(as_viewer.get(URL))
    assert len(exported) == len({r["public_id"] for r in exported}) == 11


def test_export_never_includes_another_workspace(as_viewer, make_contacts, other_contact):
    make_contacts(1)
    assert [r["public_id"] for r in rows(as_viewer.get(URL))] != [other_contact.public_id]
    assert other_contact.public_id not in {r["public_id"] for r in rows(as_viewer.get(URL))}


def test_invalid_filter_is_400(as_viewer, definitions):
    assert as_viewer.get(URL, {"attr": "score", "attr_value": "many"}).status_code == 400
