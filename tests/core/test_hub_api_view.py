"""HubAPIView, the base of every API view: limits, content rules, rate limits, idempotency, errors."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework.response import Response

from apps.core.api import MB, HubAPIView
from apps.core.models import IdempotencyRecord

CALLS: list[int] = []


class EchoApi(HubAPIView):
    max_body_bytes = 1 * MB
    dialect = "api"

    def post(self, request):
        CALLS.append(1)
        return Response({"n": len(CALLS), "got": request.data, "dry_run": self.dry_run}, status=201)


class BrokenApi(HubAPIView):
    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [path("echo", EchoApi.as_view()), path("broken", BrokenApi.as_view())]


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__
    CALLS.clear()


def post(client, key, body=b'{"a": 1}', **extra):
    return client.post(
        "/echo",
        data=body,
        content_type=extra.pop("content_type", "application/json"),
        HTTP_AUTHORIZATION=f"Bearer {key.key}",
        **extra,
    )


def test_a_body_over_the_limit_is_413_before_parsing(client, api_key):
    response = post(client, api_key, body=b"[" + b"1," * (MB // 2) + b"1]")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert CALLS == []


def test_a_write_that_is_not_json_is_415(client, api_key):
    response = post(client, api_key, body=b"a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_an_accept_header_without_json_is_406(client, api_key):
    response = post(client, api_key, HTTP_ACCEPT="text/html")
    assert response.status_code == 406


def test_over_the_rate_limit_is_429_with_retry_after(client, api_key, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "2/min"}
    assert [post(client, api_key).status_code for _ in range(2)] == [201, 201]
    response = post(client, api_key)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_same_idempotency_key_and_body_replays_the_stored_response(client, api_key):
    first = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() == {"n": 1, "got": {"a": 1}, "dry_run": False}
    assert again["Idempotent-Replayed"] == "true"
    assert CALLS == [1]


def test_same_idempotency_key_with_another_body_is_422(client, api_key):
    post(client, api_key, HTTP_IDEMPOTENCY_KEY="k2")
    response = post(client, api_key, body=b'{"a": 2}', HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_an_idempotency_key_still_in_progress_is_409(client, api_key, workspace):
    import hashlib

    digest = hashlib.sha256(b"POST\n/echo\n" + b'{"a": 1}').hexdigest()
    IdempotencyRecord.objects.create(workspace=workspace, key="k3", request_hash=digest)
    response = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k3")
    assert response.status_code == 409


def test_idempotency_keys_are_per_workspace(client, api_key, other_key):
    post(client, api_key, HTTP_IDEMPOTENCY_KEY="shared")
    response = post(client, other_key, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201 and response.json()["n"] == 2


def test_a_dry_run_does_not_claim_the_idempotency_key(client, api_key):
    client.post(
        "/echo?dry_run=true",
        data=b'{"a": 1}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key.key}",
        HTTP_IDEMPOTENCY_KEY="k4",
    )
    response = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k4")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.filter(key="k4").count() == 1


def test_an_unexpected_error_is_a_json_500_without_a_trace(client, api_key):
    client.raise_request_exception = False
    response = client.get("/broken", HTTP_AUTHORIZATION=f"Bearer {api_key.key}")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error", "message": "Internal server error."}}
