"""Typing of custom attribute and metric values against their definitions (pure, no database)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from apps.attributes.coercion import CoercionError, coerce_value, parse_date, parse_datetime

CHOICES = ("free", "pro")


@pytest.mark.parametrize(
    ("type_", "value", "stored"),
    [
        ("string", "hello", "hello"),
        ("string", "", ""),
        ("number", 42, 42),
        ("number", -1.5, -1.5),
        ("number", 42.0, 42),
        ("boolean", True, True),
        ("boolean", False, False),
        ("date", "2025-01-31", "2025-01-31"),
        ("date", dt.date(2024, 2, 29), "2024-02-29"),
        ("datetime", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z"),
        ("datetime", "2025-01-01T12:30:00+02:00", "2025-01-01T10:30:00Z"),
        ("datetime", "2025-01-01T10:00:00", "2025-01-01T10:00:00Z"),
        ("datetime", dt.datetime(2025, 1, 1, 10, tzinfo=dt.UTC), "2025-01-01T10:00:00Z"),
        ("json", {"a": [1, 2]}, {"a": [1, 2]}),
        ("json", [1, "x"], [1, "x"]),
        ("json", "just text", "just text"),
        ("choice", "pro", "pro"),
    ],
)
def test_valid_value_is_returned_in_its_stored_form(type_, value, stored):
    result = coerce_value(type_, value, choices=CHOICES)
    assert result == stored
    assert type(result) is type(stored)


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("string", 42),
        ("string", True),
        ("string", None),
        ("string", "x" * 10_001),
        ("number", "42"),
        ("number", True),
        ("number", [1]),
        ("boolean", "true"),
        ("boolean", 1),
        ("date", "2025-02-30"),
        ("date", "2025-13-01"),
        ("date", "01/02/2025"),
        ("date", "2025-1-1"),
        ("date", 20250101),
        ("datetime", "2025-02-30T10:00:00Z"),
        ("datetime", "yesterday"),
        ("datetime", 1735725600),
        ("choice", "enterprise"),
        ("choice", "Pro"),
        ("choice", 1),
        ("colour", "red"),
    ],
)
def test_value_of_wrong_type_raises(type_, value):
    with pytest.raises(CoercionError):
        coerce_value(type_, value, choices=CHOICES)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_number_rejects_nan_and_infinity(value):
    with pytest.raises(CoercionError):
        coerce_value("number", value)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "1e400"])
def test_number_text_rejects_nan_and_infinity(text):
    with pytest.raises(CoercionError):
        coerce_value("number", text, text=True)


@pytest.mark.parametrize(
    ("type_", "text", "stored"),
    [
        ("number", "42", 42),
        ("number", " 42 ", 42),
        ("number", "-3.25", -3.25),
        ("number", "3,25", 3.25),
        ("number", "1e3", 1000),
        ("boolean", "true", True),
        ("boolean", "TRUE", True),
        ("boolean", "yes", True),
        ("boolean", "1", True),
        ("boolean", "false", False),
        ("boolean", "No", False),
        ("boolean", "0", False),
        ("date", "2025-01-01", "2025-01-01"),
        ("datetime", "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z"),
        ("json", '{"a": 1}', {"a": 1}),
        ("string", "42", "42"),
        ("choice", "free", "free"),
    ],
)
def test_text_values_are_parsed(type_, text, stored):
    result = coerce_value(type_, text, choices=CHOICES, text=True)
    assert result == stored
    assert type(result) is type(stored)


@pytest.mark.parametrize(
    ("type_", "text"),
    [
        ("number", "forty-two"),
        ("number", ""),
        ("boolean", "maybe"),
        ("date", "2025-02-30"),
        ("json", "{oops"),
    ],
)
def test_unparseable_text_raises(type_, text):
    with pytest.raises(CoercionError):
        coerce_value(type_, text, choices=CHOICES, text=True)


def test_text_number_with_thousands_separator_is_not_misread():
    try:
        value = coerce_value("number", "1,000", text=True)
    except CoercionError:
        return  # refusing an ambiguous number is fine
    assert value == 1000


@pytest.mark.parametrize("value", [math.nan, {"score": math.inf}])
def test_json_rejects_nan_and_infinity(value):
    with pytest.raises(CoercionError):
        coerce_value("json", value)


def test_parse_date_rejects_impossible_dates():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(CoercionError):
        parse_date("2025-02-29")
    with pytest.raises(CoercionError):
        parse_date("2025-04-31")


def test_parse_datetime_takes_naive_values_as_utc():
    assert parse_datetime("2025-06-01T08:00:00") == dt.datetime(2025, 6, 1, 8, tzinfo=dt.UTC)


def test_json_deeper_than_64_levels_is_refused():
    deep: object = 1
    for _ in range(65):
        deep = [deep]
    with pytest.raises(CoercionError, match="deeper than 64"):
        coerce_value("json", deep)
    shallow: object = 1
    for _ in range(63):
        shallow = [shallow]
    assert coerce_value("json", shallow) == shallow
