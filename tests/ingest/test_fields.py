"""Contact fields: absent keeps, null clears, a value sets; each field normalised and checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord, MatchPolicy
from tests.ingest.helpers import codes, contact, issue, only, rec

pytestmark = pytest.mark.django_db


def test_new_contact_takes_every_field(ingest, workspace):
    result = only(
        ingest(
            rec(
                external_id="c-1",
                email="ann@example.com",
                phone="+44 7700 900123",
                first_name="Ann",
                last_name="Lee",
                full_name="Ann Lee",
                company="Acme",
                job_title="CTO",
                type="employee",
                status="unsubscribed",
                language="en-gb",
                timezone="Europe/London",
                address_line1="1 High St",
                address_line2="Flat 2",
                city="London",
                region="Greater London",
                postcode="E1 6AN",
                country="GB",
                gender="Female",
                birth_date="1990-05-17",
            )
        )
    )
    c = Contact.objects.get()
    assert result.outcome == "created"
    assert result.contact_id == c.id
    assert result.contact_public_id == c.public_id
    assert result.issues == []
    assert (c.workspace_id, c.external_id, c.email, c.phone) == (
        workspace.id,
        "c-1",
        "ann@example.com",
        "+447700900123",
    )
    assert (c.first_name, c.last_name, c.full_name, c.company, c.job_title) == (
        "Ann",
        "Lee",
        "Ann Lee",
        "Acme",
        "CTO",
    )
    assert (c.type, c.status, c.language, c.timezone, c.gender) == (
        "employee",
        "unsubscribed",
        "en-GB",
        "Europe/London",
        "female",
    )
    assert (c.address_line1, c.address_line2, c.city, c.region, c.postcode, c.country) == (
        "1 High St",
        "Flat 2",
        "London",
        "Greater London",
        "E1 6AN",
        "GB",
    )
    assert c.birth_date == dt.date(1990, 5, 17)
    assert c.deleted_at is None
    assert c.last_source == "api"


def test_new_contact_gets_defaults_for_type_and_status(ingest, workspace):
    ingest(rec(email="ann@example.com"))
    c = contact(workspace, email="ann@example.com")
    assert (c.type, c.status, c.first_name, c.attributes) == ("customer", "active", None, {})


def test_absent_field_keeps_stored_value(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann", city="Leeds"))
    result = only(ingest(rec(external_id="c-1", city="York")))
    c = contact(workspace, external_id="c-1")
    assert result.outcome == "updated"
    assert (c.first_name, c.city) == ("Ann", "York")


def test_null_field_clears_stored_value(ingest, workspace):
    ingest(rec(external_id="c-1", first_name="Ann", phone="+447700900123", birth_date="1990-05-17"))
    ingest(rec(external_id="c-1", first_name=None, phone=None, birth_date=None))
    c = contact(workspace, external_id="c-1")
    assert (c.first_name, c.phone, c.birth_date) == (None, None, None)


def test_empty_string_clears_identity_fields_but_is_kept_for_text(ingest, workspace):
    ingest(rec(external_id="c-1", email="ann@example.com", phone="+447700900123", first_name="Ann"))
    ingest(rec(external_id="c-1", email="", phone="", first_name=""))
    c = contact(workspace, external_id="c-1")
    assert (c.email, c.phone, c.first_name) == (None, None, "")


def test_null_type_and_status_fall_back_to_defaults(ingest, workspace):
    ingest(rec(external_id="c-1", type="employee", status="unsubscribed"))
    ingest(rec(external_id="c-1", type=None, status=None))
    c = contact(workspace, external_id="c-1")
    assert (c.type, c.status) == ("customer", "active")


def test_email_is_stored_trimmed_and_lowercased(ingest, workspace):
    ingest(rec(email="\u00a0 Ann.Lee@Example.COM\u2003"))
    assert Contact.objects.get().email == "ann.lee@example.com"


def test_email_matches_whatever_its_case_and_spaces(ingest, workspace):
    ingest(rec(email="ann@example.com", first_name="Ann"))
    result = only(ingest(rec(email="  ANN@EXAMPLE.COM\u00a0", first_name="Annie")))
    assert result.outcome == "updated"
    assert Contact.objects.get().first_name == "Annie"


def test_invalid_email_is_an_issue_and_the_rest_is_stored(ingest, workspace):
    result = only(ingest(rec(external_id="c-1", email="not-an-email", first_name="Ann")))
    c = contact(workspace, external_id="c-1")
    assert result.outcome == "created"
    assert issue(result, "invalid_email").path == "email"
    assert (c.email, c.first_name) == (None, "Ann")


def test_invalid_email_keeps_the_stored_email(ingest, workspace):
    ingest(rec(external_id="c-1", email="ann@example.com"))
    result = only(ingest(rec(external_id="c-1", email="ann@")))
    assert "invalid_email" in codes(result)
    assert contact(workspace, external_id="c-1").email == "ann@example.com"


def test_invalid_email_as_only_identity_fails_the_record(ingest, workspace):
    result = only(ingest(rec(email="ann at example", first_name="Ann")))
    assert result.outcome == "failed"
    assert codes(result) == {"invalid_email", "no_identity"}
    assert not Contact.objects.exists()


def test_issue_paths_use_the_vendor_paths(ingest, workspace):
    record = ContactRecord(
        fields={"external_id": "c-1", "email": "bad", "timezone": "Nowhere/Atlantis"},
        paths={"email": "contacts[3].attributes.email", "timezone": "contacts[3].tz"},
    )
    result = only(ingest(record))
    assert issue(result, "invalid_email").path == "contacts[3].attributes.email"
    assert issue(result, "invalid_timezone").path == "contacts[3].tz"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+420 712 345 678", "+420712345678"),
        ("0044 7700 900123", "+447700900123"),
        ("+44 (0)7700-900-123", "+447700900123"),
    ],
)
def test_phone_is_stored_in_e164(ingest, workspace, raw, stored):
    ingest(rec(external_id="c-1", phone=raw))
    assert contact(workspace, external_id="c-1").phone == stored


@override_settings(PHONE_DEFAULT_REGION="GB")
def test_phone_without_country_code_takes_the_default_region(ingest, workspace):
    ingest(rec(external_id="c-1", phone="07700 900123"))
    assert contact(workspace, external_id="c-1").phone == "+447700900123"


@pytest.mark.parametrize("raw", ["07700 900123", "+44 12", "+999 1234567", "call me maybe"])
def test_invalid_phone_is_an_issue_and_the_rest_is_stored(ingest, workspace, raw):
    result = only(ingest(rec(external_id="c-1", phone=raw, city="Leeds")))
    c = contact(workspace, external_id="c-1")
    assert result.outcome == "created"
    assert issue(result, "invalid_phone").severity == "warning"
    assert (c.phone, c.city) == (None, "Leeds")


def test_language_timezone_gender_and_birth_date_are_normalised(ingest, workspace):
    ingest(
        rec(
            external_id="c-1",
            language="PT_br",
            timezone=" America/Sao_Paulo ",
            gender="MALE",
            birth_date="1985-12-01T00:00:00Z",
        )
    )
    c = contact(workspace, external_id="c-1")
    assert (c.language, c.timezone, c.gender, c.birth_date) == (
        "pt-BR",
        "America/Sao_Paulo",
        "male",
        dt.date(1985, 12, 1),
    )


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("timezone", "Europe/Atlantis", "invalid_timezone"),
        ("language", "english", "invalid_language"),
        ("gender", "x", "invalid_gender"),
        ("birth_date", "1990-02-30", "invalid_birth_date"),
        ("birth_date", "30/01/1990", "invalid_birth_date"),
        ("type", "robot", "invalid_type"),
        ("status", "sleeping", "invalid_status"),
        ("postcode", "9" * 40, "invalid_postcode"),
        ("first_name", "n" * 256, "invalid_first_name"),
    ],
)
def test_invalid_field_is_an_issue_on_its_path_and_the_rest_is_stored(ingest, workspace, name, value, code):
    ingest(rec(external_id="c-1", **{name: None}))
    result = only(ingest(rec(external_id="c-1", city="Leeds", **{name: value})))
    c = contact(workspace, external_id="c-1")
    assert result.outcome == "updated"
    assert issue(result, code).path == name
    assert c.city == "Leeds"
    assert getattr(c, name) in (None, "customer", "active")


def test_invalid_field_with_reject_policy_fails_the_record(ingest, workspace):
    report = ingest(
        rec(external_id="c-1", timezone="Europe/Atlantis"),
        rec(external_id="c-2", timezone="Europe/Prague"),
        policy=MatchPolicy(invalid_values="reject"),
    )
    bad, good = report.results
    assert bad.outcome == "failed"
    assert issue(bad, "invalid_timezone").severity == "error"
    assert good.outcome == "created"
    assert list(Contact.objects.values_list("external_id", flat=True)) == ["c-2"]


def test_external_id_is_trimmed_and_numbers_become_text(ingest, workspace):
    ingest(rec(external_id=" 12345 ", first_name="Ann"))
    result = only(ingest(rec(external_id=12345, first_name="Annie")))
    assert result.outcome == "updated"
    assert contact(workspace, external_id="12345").first_name == "Annie"


def test_unknown_canonical_field_is_a_programming_error(ingest, workspace):
    with pytest.raises(ValueError, match="unknown canonical field"):
        ingest(rec(external_id="c-1", favourite_colour="blue"))


def test_language_longer_than_its_column_is_an_issue(ingest, workspace):
    long_tag = "en-" + "-".join(["abcdefgh"] * 5)  # 48 characters, well-formed subtags
    report = ingest(rec(external_id="c-1", language=long_tag), rec(external_id="c-2", language="en"))
    assert "invalid_language" in codes(report.results[0])
    assert set(Contact.objects.values_list("external_id", "language")) == {("c-1", None), ("c-2", "en")}


def test_nul_character_in_text_is_an_issue_not_a_failed_batch(ingest, workspace):
    report = ingest(rec(external_id="c-1", first_name="An\x00n"), rec(external_id="c-2", first_name="Bob"))
    assert "invalid_first_name" in codes(report.results[0])
    assert set(Contact.objects.values_list("external_id", "first_name")) == {("c-1", None), ("c-2", "Bob")}
