"""Normalisation of the canonical contact fields (pure functions, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.attributes.coercion import CoercionError
from apps.ingest.normalise import (
    normalise_email,
    normalise_field,
    normalise_language,
    normalise_phone,
    normalise_timezone,
    phone_from_parts,
)


@pytest.mark.parametrize(
    "raw",
    [
        "  Ann@Example.COM ",
        "\tann@example.com\n",
        "\u00a0ann@EXAMPLE.com\u00a0",  # no-break space
        "\u2003Ann@example.com\u3000",  # em space, ideographic space
        "ANN@EXAMPLE.COM",
    ],
)
def test_email_is_trimmed_and_lowercased(raw):
    assert normalise_email(raw) == "ann@example.com"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "ann", "ann@", "@example.com", "ann@@example.com", "ann @example.com", "a" * 250 + "@x.io"],
)
def test_invalid_email_raises(raw):
    with pytest.raises(CoercionError):
        normalise_email(raw)


def test_email_of_wrong_type_raises():
    with pytest.raises(CoercionError):
        normalise_email(42)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+420 712 345 678", "+420712345678"),
        ("+420 7123 456 789", "+4207123456789"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("(+44) 7700-900-123", "+447700900123"),
        (" +1 (415) 555-2671 ", "+14155552671"),
        ("+44 7700 900123 ext. 5", "+447700900123"),
    ],
)
def test_phone_is_normalised_to_e164(raw, e164):
    assert normalise_phone(raw) == e164


def test_phone_without_country_code_uses_default_region():
    assert normalise_phone("07700 900123", "GB") == "+447700900123"


@pytest.mark.parametrize("raw", ["", "07700 900123", "12345", "+44 12", "+999 123456", "call me", "+"])
def test_invalid_phone_raises(raw):
    with pytest.raises(CoercionError):
        normalise_phone(raw)


def test_phone_of_wrong_type_raises():
    with pytest.raises(CoercionError):
        normalise_phone(["+447700900123"])


@pytest.mark.parametrize(
    ("raw", "code"), [("en", "en"), ("EN", "en"), ("en-gb", "en-GB"), ("pt_BR", "pt-BR"), (" cs ", "cs")]
)
def test_language_is_normalised(raw, code):
    assert normalise_language(raw) == code


@pytest.mark.parametrize("raw", ["", "english", "e", "en-", "12", 7])
def test_invalid_language_raises(raw):
    with pytest.raises(CoercionError):
        normalise_language(raw)


@pytest.mark.parametrize("zone", ["Europe/Prague", "America/New_York", "UTC", " Asia/Tokyo "])
def test_known_timezone_is_kept(zone):
    assert normalise_timezone(zone) == zone.strip()


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "CET+5", "", 1])
def test_unknown_timezone_raises(zone):
    with pytest.raises(CoercionError):
        normalise_timezone(zone)


@pytest.mark.parametrize(("raw", "stored"), [("female", "female"), ("Male", "male"), (" OTHER ", "other")])
def test_gender_is_lowercased(raw, stored):
    assert normalise_field("gender", raw) == stored


@pytest.mark.parametrize("raw", ["f", "unknown", True])
def test_unknown_gender_raises(raw):
    with pytest.raises(CoercionError):
        normalise_field("gender", raw)


@pytest.mark.parametrize(
    "raw", ["1990-05-17", dt.date(1990, 5, 17), "1990-05-17T00:00:00Z", dt.datetime(1990, 5, 17, 8, 0)]
)
def test_birth_date_is_a_date(raw):
    assert normalise_field("birth_date", raw) == dt.date(1990, 5, 17)


@pytest.mark.parametrize("raw", ["1990-02-30", "17.05.1990", "1990-5-17", 19900517])
def test_invalid_birth_date_raises(raw):
    with pytest.raises(CoercionError):
        normalise_field("birth_date", raw)


def test_type_and_status_accept_only_known_values():
    assert normalise_field("type", "Employee") == "employee"
    assert normalise_field("status", "unsubscribed") == "unsubscribed"
    with pytest.raises(CoercionError):
        normalise_field("type", "partner")
    with pytest.raises(CoercionError):
        normalise_field("status", "gone")


def test_text_field_is_trimmed_and_numbers_become_text():
    assert normalise_field("first_name", "  Ann ") == "Ann"
    assert normalise_field("external_id", 12345) == "12345"


def test_text_field_longer_than_its_column_raises():
    with pytest.raises(CoercionError):
        normalise_field("postcode", "1" * 33)


def test_blank_external_id_raises():
    with pytest.raises(CoercionError):
        normalise_field("external_id", "   ")


def test_text_field_rejects_booleans():
    with pytest.raises(CoercionError):
        normalise_field("city", True)


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        ("44", "7712345678", "+447712345678"),
        ("44", "07712345678", "+447712345678"),  # the UK trunk 0 is a prefix
        ("+39", "0612345678", "+390612345678"),  # the Italian 0 belongs to the number
        ("34", "612345678", "+34612345678"),
    ],
)
def test_phone_from_parts_reads_the_national_number_by_its_countrys_rules(code, number, expected):
    assert phone_from_parts(code, number) == expected


@pytest.mark.parametrize("code", ["abc", "999", ""])
def test_phone_from_parts_rejects_a_bad_country_code(code):
    with pytest.raises(CoercionError):
        phone_from_parts(code, "612345678")
