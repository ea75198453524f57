import pytest
from rest_framework.test import APIRequestFactory

from apps.core.parsers import MAX_DEPTH, BodyError, StrictJSONParser, json_loads_strict
from tests.core.test_api_key_scope import EchoApi


def nested_lists(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_parses_plain_json():
    assert json_loads_strict(b'{"contacts": [{"email": "a@example.com", "n": 1.5}]}') == {
        "contacts": [{"email": "a@example.com", "n": 1.5}]
    }


@pytest.mark.parametrize("body", [b"{", b'{"a": 1,}', b"{'a': 1}", b"\xff\xfe", b'{"a": 1} x'])
def test_rejects_malformed_json(body):
    with pytest.raises(BodyError, match="Malformed JSON"):
        json_loads_strict(body)


@pytest.mark.parametrize("body", [b'{"a": NaN}', b'{"a": Infinity}', b"[-Infinity]"])
def test_rejects_nan_and_infinity(body):
    with pytest.raises(BodyError):
        json_loads_strict(body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "a\\u0000b"}',
        b'{"a\\u0000": 1}',
        b'[["x\\u0000"]]',
        b'"\\u0000"',
        b'{"a": {"b": "\\u0000"}}',
    ],
)
def test_rejects_nul_characters(body):
    with pytest.raises(BodyError, match="NUL"):
        json_loads_strict(body)


def test_nul_error_names_the_field():
    with pytest.raises(BodyError, match=r"contacts\[1\]\.name"):
        json_loads_strict(b'{"contacts": [{"name": "ok"}, {"name": "a\\u0000"}]}')


@pytest.mark.parametrize("nested", [nested_lists, nested_objects])
def test_accepts_64_levels(nested):
    assert MAX_DEPTH == 64
    json_loads_strict(nested(64))


@pytest.mark.parametrize("nested", [nested_lists, nested_objects])
def test_rejects_65_levels(nested):
    with pytest.raises(BodyError, match="deeper than 64"):
        json_loads_strict(nested(65))


def test_very_deep_document_is_rejected_without_recursion_error():
    with pytest.raises(BodyError):
        json_loads_strict(nested_lists(100_000))


def test_empty_body_is_rejected():
    with pytest.raises(BodyError, match="empty"):
        StrictJSONParser().parse(None)


def test_bad_body_through_an_api_view_is_a_400_envelope(api_key):
    request = APIRequestFactory().post(
        "/echo",
        data=b'{"a": NaN}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key.key}",
    )

    response = EchoApi.as_view()(request)

    assert response.status_code == 400
    assert response.data["error"]["code"] == "invalid_json"
    assert response.data["error"]["message"].startswith("Malformed JSON")
