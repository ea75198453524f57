"""CSV import as a bulk dialect: sniffing, mapping suggestions, the plan, dry runs and real runs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.imports.csv_files import CsvFileError, csv_upload_get, csv_upload_store
from apps.imports.csv_import import (
    CsvImportError,
    CsvMapping,
    csv_file_path,
    csv_import_confirm,
    csv_import_start,
    csv_mapping_suggest,
    csv_mapping_targets,
    csv_plan,
)
from apps.imports.models import ImportIssue, ImportJob
from apps.imports.services import import_job_run


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def store(workspace, content: bytes, name: str = "people.csv"):
    return csv_upload_store(
        workspace_public_id=workspace.public_id, upload=SimpleUploadedFile(name, content), user_id=None
    )


def run(job: ImportJob) -> ImportJob:
    import_job_run(job_id=job.pk, token="t")
    job.refresh_from_db()
    return job


def test_sniffs_encoding_delimiter_headers_rows_and_preview(workspace):
    upload = store(workspace, "E-mail;Prénom\nann@example.com;Zoë\n\nbob@example.com;Bo\n".encode("latin-1"))

    assert (upload.encoding, upload.delimiter, upload.headers, upload.rows) == (
        "latin-1",
        ";",
        ["E-mail", "Prénom"],
        2,
    )
    assert upload.preview == [["ann@example.com", "Zoë"], ["bob@example.com", "Bo"]]
    assert csv_upload_get(workspace_public_id=workspace.public_id, token=upload.token) == upload


def test_a_bom_means_utf8_sig_and_tabs_are_found(workspace):
    upload = store(workspace, "\ufeffemail\tname\nann@example.com\tAnn\n".encode())

    assert (upload.encoding, upload.delimiter, upload.headers) == ("utf-8-sig", "\t", ["email", "name"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"  \n", "empty"), (b"\x00\x01\x02,\x00\n1,2\n", "binary")],
)
def test_unreadable_files_are_refused_and_removed(workspace, tmp_path, content, message):
    with pytest.raises(CsvFileError, match=message):
        store(workspace, content)
    assert list((tmp_path / "imports" / workspace.public_id).glob("*.csv")) == []


def test_an_upload_of_another_workspace_is_not_found(workspace, other_workspace):
    upload = store(workspace, b"email\nann@example.com\n")

    assert csv_upload_get(workspace_public_id=other_workspace.public_id, token=upload.token) is None
    assert csv_upload_get(workspace_public_id=workspace.public_id, token="../" + upload.token) is None


def test_mapping_is_suggested_by_name_then_remembered_per_workspace(workspace, other_workspace):
    attribute_definition_create(workspace=workspace, codename="plan", label="Plan", type="string")
    headers = ["Email Address", "First Name", "surname", "Plan", "Notes"]
    targets = csv_mapping_targets(workspace_id=workspace.id)

    suggested = csv_mapping_suggest(workspace_id=workspace.id, headers=headers, targets=targets)

    assert suggested.columns == ["field:email", "field:first_name", "field:last_name", "attr:plan", "ignore"]
    assert (suggested.match_key, suggested.mode, suggested.remembered) == ("email", "upsert", False)

    upload = store(workspace, b"Email Address,First Name,surname,Plan,Notes\na@example.com,A,B,pro,x\n")
    chosen = CsvMapping(
        ["field:email", "ignore", "field:last_name", "attr:plan", "field:company"], "email", "create_only"
    )
    csv_import_start(workspace_id=workspace.id, upload=upload, mapping=chosen, dry_run=True, user_id=None)

    again = csv_mapping_suggest(workspace_id=workspace.id, headers=headers, targets=targets)
    assert (again.columns, again.mode, again.remembered) == (chosen.columns, "create_only", True)
    # A different file with one of those headers gets the remembered choice for it.
    other = csv_mapping_suggest(workspace_id=workspace.id, headers=["notes", "email"], targets=targets)
    assert other.columns == ["field:company", "field:email"]
    # Another workspace remembers nothing of it.
    elsewhere = csv_mapping_suggest(
        workspace_id=other_workspace.id,
        headers=headers,
        targets=csv_mapping_targets(workspace_id=other_workspace.id),
    )
    assert elsewhere.columns[4] == "ignore" and not elsewhere.remembered


@pytest.mark.parametrize(
    ("columns", "match_key", "error"),
    [
        (["ignore", "ignore"], "email", "at least one"),
        (["field:email", "field:email"], "email", "Two columns"),
        (["field:first_name", "ignore"], "email", "match key"),
        (["field:email", "attr:nope"], "email", "no longer exists"),
        (["field:email"], "email", "every column"),
    ],
)
def test_bad_mappings_are_refused(workspace, columns, match_key, error):
    upload = store(workspace, b"email,name\na@example.com,A\n")

    with pytest.raises(CsvImportError, match=error):
        csv_import_start(
            workspace_id=workspace.id,
            upload=upload,
            mapping=CsvMapping(columns, match_key, "upsert"),
            dry_run=False,
            user_id=None,
        )


def _start(workspace, content: bytes, columns, *, dry_run: bool, mode: str = "upsert", key: str = "email"):
    upload = store(workspace, content)
    return csv_import_start(
        workspace_id=workspace.id,
        upload=upload,
        mapping=CsvMapping(columns, key, mode),
        dry_run=dry_run,
        user_id=None,
    )


CSV = (
    b"email,first name,score,vip\n"
    b"ann@example.com,Ann,42,true\n"
    b"bob@example.com,Bob,not a number,false\n"
    b",Nobody,1,true\n"
    b"old@example.com,Old,7,\n"
)
COLUMNS = ["field:email", "field:first_name", "attr:score", "attr:vip"]


@pytest.fixture
def typed_attributes(workspace):
    attribute_definition_create(workspace=workspace, codename="score", label="Score", type="number")
    attribute_definition_create(workspace=workspace, codename="vip", label="VIP", type="boolean")
    Contact.objects.create(workspace=workspace, email="old@example.com", first_name="Old")


def test_a_dry_run_counts_what_would_happen_and_writes_nothing(workspace, typed_attributes):
    job = run(_start(workspace, CSV, COLUMNS, dry_run=True))

    assert (job.status, job.received, job.created, job.updated, job.unchanged, job.skipped) == (
        "completed",
        4,
        2,
        1,
        0,
        1,
    )
    assert Contact.objects.filter(workspace=workspace).count() == 1
    codes = set(ImportIssue.objects.filter(job=job).values_list("code", flat=True))
    assert codes == {"missing_match_key", "invalid_value"}


def test_the_real_run_types_text_cells_by_their_definitions(workspace, typed_attributes):
    dry = run(_start(workspace, CSV, COLUMNS, dry_run=True))
    job = run(csv_import_confirm(job=dry, user_id=None))

    assert (job.created, job.updated, job.skipped, job.options["dry_run"]) == (2, 1, 1, False)
    ann = Contact.objects.get(workspace=workspace, email="ann@example.com")
    assert (ann.first_name, ann.attributes) == ("Ann", {"score": 42, "vip": True})
    bob = Contact.objects.get(workspace=workspace, email="bob@example.com")
    assert bob.attributes == {"vip": False}
    issue = ImportIssue.objects.get(job=job, code="invalid_value")
    assert issue.field == "score (line 3)" and issue.severity == "warning"


def test_only_a_finished_csv_dry_run_can_be_confirmed(workspace, typed_attributes):
    real = run(_start(workspace, CSV, COLUMNS, dry_run=False))
    with pytest.raises(CsvImportError):
        csv_import_confirm(job=real, user_id=None)


def test_update_only_skips_unknown_contacts(workspace, typed_attributes):
    job = run(_start(workspace, CSV, COLUMNS, dry_run=False, mode="update_only"))

    assert (job.created, job.updated, job.skipped) == (0, 1, 3)


def test_list_columns_add_and_remove_memberships(workspace):
    from apps.lists.models import ContactList, ListMembership

    lst = ContactList.objects.create(workspace=workspace, name="Newsletter")
    content = b"email,newsletter\na@example.com,yes\nb@example.com,x\nc@example.com,\n"
    job = run(_start(workspace, content, ["field:email", f"list:{lst.public_id}"], dry_run=False))

    assert job.created == 3
    members = ListMembership.objects.filter(list=lst).values_list("contact__email", flat=True)
    assert sorted(members) == ["a@example.com", "b@example.com"]


def test_the_plan_streams_from_a_start_position(workspace):
    job = _start(
        workspace,
        b"email\n" + b"".join(b"p%d@example.com\n" % i for i in range(5)),
        ["field:email"],
        dry_run=True,
    )
    plan = csv_plan({"file": job.payload_file}, job.options)

    assert plan.count() == 5
    assert [r.fields["email"] for r in plan.items_from(3)] == ["p3@example.com", "p4@example.com"]


def test_the_plan_refuses_paths_outside_the_upload_folder(workspace):
    with pytest.raises(CsvImportError):
        csv_file_path("../../etc/passwd")
