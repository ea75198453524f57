"""CSV import pages: upload (streamed to disk, size limit), preview, mapping (auto and remembered), dry run,
real run; roles, workspaces, CSRF and escaping."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.imports.csv_files import CsvUploadHandler
from apps.imports.models import ImportJob
from tests.dashboard.conftest import signed_in

SCRIPT = "<script>alert(1)</script>"
CSV = (
    "Email,First Name,Plan,Notes\n"
    "ann@example.com,Ann,pro,first\n"
    f"bob@example.com,{SCRIPT},free,second\n"
    ",Nobody,pro,no email\n"
    "old@example.com,Old,pro,exists\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _jobs_run_at_once():
    """Jobs are queued once the request's transaction commits; the test transaction never does, so run
    the callback at once (Celery is eager in tests, so the job runs within the request)."""
    with mock.patch.object(transaction, "on_commit", lambda func, *args, **kwargs: func()):
        yield


@pytest.fixture
def plan_attribute(workspace):
    return attribute_definition_create(
        workspace=workspace, codename="plan", type="choice", choices=["free", "pro"]
    )


@pytest.fixture
def existing(workspace):
    return Contact.objects.create(workspace=workspace, email="old@example.com", first_name="Old")


def upload(client, content: str | bytes = CSV, name: str = "people.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(reverse("dashboard:csv_upload"), {"file": SimpleUploadedFile(name, data)})


def uploaded(client, content: str | bytes = CSV) -> str:
    response = upload(client, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def mapping_post(html: str, **changes: str) -> dict[str, str]:
    """The mapping form as the page proposes it, with `changes`."""
    data = {name: selected(html, name) for name in re.findall(r'<select name="(col_\d+)"', html)}
    data["match_key"] = selected(html, "match_key")
    data["mode"] = re.search(r'name="mode" value="([^"]*)"[^>]*checked', html).group(1)
    return {**data, **changes}


def test_upload_is_stored_under_media_root_and_previewed(as_editor, workspace, tmp_path, plan_attribute):
    map_url = uploaded(as_editor)
    token = map_url.rstrip("/").rsplit("/", 1)[1]

    stored = tmp_path / "imports" / workspace.public_id / f"{token}.csv"
    assert stored.read_text() == CSV
    assert list((tmp_path / "imports" / ".partial").iterdir()) == []  # the streamed part file was moved
    html = as_editor.get(map_url).content.decode()
    assert "4 rows" in html and "4 columns" in html and "comma separated" in html
    assert "ann@example.com" in html and "Nobody" in html


def test_a_script_in_a_cell_renders_escaped(as_editor, plan_attribute):
    html = as_editor.get(uploaded(as_editor)).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_columns_are_auto_mapped_by_name(as_editor, plan_attribute):
    html = as_editor.get(uploaded(as_editor)).content.decode()

    assert [selected(html, f"col_{n}") for n in range(4)] == [
        "field:email",
        "field:first_name",
        "attr:plan",
        "ignore",
    ]
    assert selected(html, "match_key") == "email"
    assert "matched by their names" in html


def test_the_upload_goes_to_disk_through_the_csv_handler(tmp_path, settings):
    handler = CsvUploadHandler(None, max_bytes=10)
    handler.new_file("file", "a.csv", "text/csv", None)
    handler.receive_data_chunk(b"email\n", 0)
    stored = handler.file_complete(6)

    assert Path(stored.temporary_file_path()).parent == tmp_path / "imports" / ".partial"
    assert Path(stored.temporary_file_path()).read_bytes() == b"email\n"
    from django.core.files.uploadhandler import SkipFile

    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"a@example.com\n", 6)
    assert handler.too_large


def test_a_file_over_the_limit_is_refused_with_a_message(as_editor, settings, tmp_path):
    settings.CSV_UPLOAD_MAX_BYTES = 100

    response = upload(as_editor, "email\n" + "someone@example.com\n" * 20)

    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not list((tmp_path / "imports").glob("*/*.csv"))


def test_a_body_announced_over_the_limit_is_refused_before_reading(as_editor, settings):
    settings.CSV_UPLOAD_MAX_BYTES = 100
    response = as_editor.generic(
        "POST",
        reverse("dashboard:csv_upload"),
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_a_file_that_is_not_csv_is_refused(as_editor):
    response = upload(as_editor, b"\x89PNG\x00\x00\x00binary")

    assert response.status_code == 400
    assert "does not look like a CSV file" in response.content.decode()


def test_dry_run_shows_what_would_happen_and_writes_nothing(as_editor, workspace, plan_attribute, existing):
    map_url = uploaded(as_editor)
    html = as_editor.get(map_url).content.decode()

    response = as_editor.post(map_url, mapping_post(html, action="dry_run"))

    job = ImportJob.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.public_id}/")
    assert job.options["dry_run"] and job.status == "completed"  # Celery is eager in tests
    assert (job.created, job.updated, job.skipped) == (2, 1, 1)
    assert Contact.objects.filter(workspace=workspace).count() == 1
    page = as_editor.get(response["Location"]).content.decode()
    assert "Dry run:" in page and "would be created" in page and "missing_match_key" in page
    assert "Run the import for real" in page


def test_real_run_after_the_dry_run_writes_and_reports(as_editor, workspace, plan_attribute, existing):
    map_url = uploaded(as_editor)
    as_editor.post(map_url, mapping_post(as_editor.get(map_url).content.decode()))
    dry_run = ImportJob.objects.get(workspace=workspace)

    response = as_editor.post(reverse("dashboard:import_confirm", args=[dry_run.public_id]))

    job = ImportJob.objects.exclude(pk=dry_run.pk).get(workspace=workspace)
    assert response["Location"].endswith(f"/imports/{job.public_id}/")
    assert (job.status, job.created, job.updated, job.skipped, job.options["dry_run"]) == (
        "completed",
        2,
        1,
        1,
        False,
    )
    ann = Contact.objects.get(workspace=workspace, email="ann@example.com")
    assert (ann.first_name, ann.attributes) == ("Ann", {"plan": "pro"})
    assert Contact.objects.get(workspace=workspace, email="bob@example.com").first_name == SCRIPT
    page = as_editor.get(response["Location"]).content.decode()
    assert "Dry run:" not in page and 'value="100"' in page and SCRIPT not in page


def test_import_without_a_dry_run(as_editor, workspace, plan_attribute):
    map_url = uploaded(as_editor)
    as_editor.post(map_url, mapping_post(as_editor.get(map_url).content.decode(), action="import"))

    job = ImportJob.objects.get(workspace=workspace)
    assert not job.options["dry_run"] and job.created == 3


def test_create_only_and_update_only_modes(as_editor, workspace, plan_attribute, existing):
    map_url = uploaded(as_editor)
    html = as_editor.get(map_url).content.decode()

    as_editor.post(map_url, mapping_post(html, mode="update_only", action="import"))
    job = ImportJob.objects.get(workspace=workspace)
    assert (job.created, job.updated, job.skipped) == (0, 1, 3)

    as_editor.post(map_url, mapping_post(html, mode="create_only", action="import"))
    job = ImportJob.objects.filter(workspace=workspace).order_by("-id").first()
    assert (job.created, job.updated, job.skipped) == (2, 0, 2)


def test_the_mapping_is_remembered_for_the_next_file(as_editor, workspace, plan_attribute):
    map_url = uploaded(as_editor)
    html = as_editor.get(map_url).content.decode()
    as_editor.post(map_url, mapping_post(html, col_3="field:company", match_key="email", mode="create_only"))

    again = as_editor.get(uploaded(as_editor)).content.decode()

    assert "Using the mapping you chose last time" in again
    assert selected(again, "col_3") == "field:company"
    assert re.search(r'name="mode" value="create_only"[^>]*checked', again)


def test_a_mapping_without_the_match_key_is_refused(as_editor, workspace, plan_attribute):
    map_url = uploaded(as_editor)
    html = as_editor.get(map_url).content.decode()

    response = as_editor.post(map_url, mapping_post(html, col_0="ignore"))

    assert response.status_code == 400
    assert "it is the match key" in response.content.decode()
    assert not ImportJob.objects.filter(workspace=workspace).exists()


def test_viewer_gets_403_on_every_csv_url_and_no_import_button(
    as_viewer, as_editor, workspace, plan_attribute
):
    map_url = uploaded(as_editor)
    as_editor.post(map_url, mapping_post(as_editor.get(map_url).content.decode()))
    dry_run = ImportJob.objects.get(workspace=workspace)

    assert as_viewer.get(reverse("dashboard:csv_upload")).status_code == 403
    assert upload(as_viewer).status_code == 403
    assert as_viewer.get(map_url).status_code == 403
    assert as_viewer.post(map_url, {}).status_code == 403
    assert as_viewer.post(reverse("dashboard:import_confirm", args=[dry_run.public_id])).status_code == 403
    page = as_viewer.get(reverse("dashboard:import_detail", args=[dry_run.public_id])).content.decode()
    assert "Run the import for real" not in page
    history = as_viewer.get(reverse("dashboard:imports")).content.decode()
    assert reverse("dashboard:csv_upload") not in history


def test_an_upload_of_another_workspace_is_not_found(as_editor, other_workspace, workspace):
    from apps.workspaces.services import membership_set

    map_url = uploaded(as_editor)
    token = map_url.rstrip("/").rsplit("/", 1)[1]
    stranger = get_user_model().objects.create_user(username="stranger")
    membership_set(workspace=other_workspace, user=stranger, role="admin")

    assert signed_in(stranger).get(reverse("dashboard:csv_map", args=[token])).status_code == 404
    assert as_editor.get(reverse("dashboard:csv_map", args=["0" * 32])).status_code == 404
    assert as_editor.get(reverse("dashboard:csv_map", args=["..%2F..%2Fetc"])).status_code == 404


def test_csrf_is_enforced_on_upload_mapping_and_confirm(editor_user, as_editor, workspace, plan_attribute):
    client = signed_in(editor_user, csrf=True)
    assert upload(client).status_code == 403

    map_url = uploaded(as_editor)
    html = as_editor.get(map_url).content.decode()
    assert client.post(map_url, mapping_post(html)).status_code == 403
    as_editor.post(map_url, mapping_post(html))
    dry_run = ImportJob.objects.get(workspace=workspace)
    assert client.post(reverse("dashboard:import_confirm", args=[dry_run.public_id])).status_code == 403

    # With the token from the page, the same upload goes through.
    page = client.get(reverse("dashboard:csv_upload")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("dashboard:csv_upload"),
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile("a.csv", b"email\na@example.com\n")},
    )
    assert response.status_code == 302


def test_latin1_semicolon_files_are_read(as_editor, workspace):
    content = "email;Prénom\nzoe@example.com;Zoë\n".encode("latin-1")
    map_url = uploaded(as_editor, content)
    html = as_editor.get(map_url).content.decode()
    assert "latin-1" in html and "semicolon" in html and "Zoë" in html

    as_editor.post(map_url, mapping_post(html, col_1="field:first_name", action="import"))

    assert Contact.objects.get(workspace=workspace, email="zoe@example.com").first_name == "Zoë"
