"""Django admin: every model is registered, its pages render, and the API key page cannot store a key."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.contacts.models import ChannelSubscription, ConsentRecord, Contact
from apps.imports.models import ImportIssue, ImportJob
from apps.workspaces.models import ApiKey, Workspace


def project_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("apps.")
        for model in config.get_models()
    ]


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser(username="root", password="pw-root")
    client.force_login(user)
    return client


@pytest.fixture
def contact(workspace):
    contact = Contact.objects.create(workspace=workspace, email="ann@example.com", external_id="A1")
    ChannelSubscription.objects.create(
        contact=contact,
        channel="email",
        address="ann@example.com",
        status="subscribed",
        changed_at=timezone.now(),
    )
    ConsentRecord.objects.create(contact=contact, kind="marketing", granted=True, at=timezone.now())
    return contact


@pytest.fixture
def import_job(workspace):
    job = ImportJob.objects.create(workspace=workspace, source="api", payload=b'{"contacts": []}' * 1000)
    ImportIssue.objects.create(job=job, item_index=3, code="invalid_email", message="Not an email.")
    return job


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_project_model_is_registered():
    missing = [model.__name__ for model in project_models() if not admin.site.is_registered(model)]

    assert missing == []


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model.__name__)
def test_changelist_and_search_render(superuser_client, contact, import_job, api_key, model):
    assert superuser_client.get(admin_url(model)).status_code == 200
    assert superuser_client.get(admin_url(model), {"q": "ann@example.com"}).status_code == 200


@pytest.mark.parametrize("model", [Workspace, ApiKey, Contact, ChannelSubscription, ImportJob, ImportIssue])
def test_change_page_renders(superuser_client, contact, import_job, api_key, model):
    obj = model.objects.first()

    assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_contacts_are_view_only(superuser_client, contact):
    assert superuser_client.get(admin_url(Contact, "add")).status_code == 403
    response = superuser_client.post(admin_url(Contact, "change", contact.pk), {"email": "x@example.com"})

    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.email == "ann@example.com"


def test_api_keys_cannot_be_added_here(superuser_client):
    assert superuser_client.get(admin_url(ApiKey, "add")).status_code == 403


def test_api_key_page_never_shows_a_digest_field_as_editable(superuser_client, api_key):
    response = superuser_client.get(admin_url(ApiKey, "change", api_key.api_key.pk))

    assert 'name="digest"' not in response.content.decode()
    assert 'name="prefix"' not in response.content.decode()
    assert api_key.key not in response.content.decode()


def test_revoke_action_revokes_the_selected_keys(superuser_client, api_key, read_only_key):
    superuser_client.post(
        admin_url(ApiKey), {"action": "revoke", "_selected_action": [api_key.api_key.pk]}, follow=True
    )

    assert ApiKey.objects.get(pk=api_key.api_key.pk).revoked_at is not None
    assert ApiKey.objects.get(pk=read_only_key.api_key.pk).revoked_at is None


def test_workspace_added_here_gets_the_builtin_attributes(superuser_client):
    superuser_client.post(admin_url(Workspace, "add"), {"name": "Added in admin"})

    workspace = Workspace.objects.get(name="Added in admin")
    assert workspace.attribute_definitions.filter(builtin=True, codename="email").exists()


def test_import_job_list_does_not_load_payloads(superuser_client, import_job):
    with CaptureQueriesContext(connection) as queries:
        superuser_client.get(admin_url(ImportJob))

    job_selects = [q["sql"] for q in queries if 'FROM "imports_importjob"' in q["sql"]]
    assert job_selects
    assert not any('"imports_importjob"."payload"' in sql for sql in job_selects)


def test_contact_list_runs_no_full_count(superuser_client, contact):
    with CaptureQueriesContext(connection) as queries:
        superuser_client.get(admin_url(Contact), {"status__exact": "active"})

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and 'FROM "contacts_contact"' in q["sql"]]
    assert len(counts) == 1  # the filtered count for the paginator, not a second one for the whole table
