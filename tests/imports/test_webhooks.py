from __future__ import annotations

import hashlib
import hmac
import http.server
import socket
import threading
from unittest import mock

import orjson
import pytest

from apps.imports import registry
from apps.imports.models import ImportJob, WebhookDelivery
from apps.imports.registry import BulkDialect, BulkPlan
from apps.imports.webhooks import (
    RETRY_SCHEDULE_SECONDS,
    webhook_deliveries_create,
    webhook_delivery_send,
    webhook_sign,
    webhook_url_check,
)


def _addrinfo(ip: str):
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    return [(family, socket.SOCK_STREAM, 6, "", (ip, 443))]


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
def test_internal_targets_are_refused(ip, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with mock.patch("socket.getaddrinfo", return_value=_addrinfo(ip)):
        reason = webhook_url_check("https://hooks.example.com/x")
    assert reason is not None and "private or internal" in reason


def test_a_public_target_is_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with mock.patch("socket.getaddrinfo", return_value=_addrinfo("93.184.216.34")):
        assert webhook_url_check("https://hooks.example.com/x") is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "https://user:pw@example.com/",
        "http:///nohost",
        "javascript:alert(1)",
    ],
)
def test_non_http_targets_are_refused(url):
    assert webhook_url_check(url) is not None


def test_signature_is_hex_hmac_sha256_of_timestamp_and_token():
    expected = hmac.new(b"secret", b"1700000000abc", hashlib.sha256).hexdigest()
    assert webhook_sign("secret", 1700000000, "abc") == expected


class _Receiver(http.server.BaseHTTPRequestHandler):
    status = 200
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    _Receiver.received = []
    _Receiver.status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Receiver, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


@pytest.fixture
def hook_dialect():
    dialect = BulkDialect(
        source="pushtech",
        plan=lambda p, o: BulkPlan(items=[]),
        webhook_payload=lambda job, part, parts: {"bulk": {"_id": job.public_id}, "part": part},
    )
    saved = dict(registry._DIALECTS)
    registry.bulk_dialect_register(dialect)
    yield dialect
    registry._DIALECTS.clear()
    registry._DIALECTS.update(saved)


def _delivery(workspace, url) -> WebhookDelivery:
    job = ImportJob.objects.create(
        workspace=workspace, source="pushtech", status="completed", webhook_url=url
    )
    with mock.patch("apps.imports.webhooks.webhook_delivery_enqueue"):
        return webhook_deliveries_create(job=job, parts=1)[0]


def test_delivery_is_signed_and_logged(workspace, receiver, hook_dialect):
    handler, url = receiver
    delivery = webhook_delivery_send(delivery_id=_delivery(workspace, url).pk)
    assert delivery.status == "delivered"
    headers, body = handler.received[0]
    payload = orjson.loads(body)
    assert len(payload["token"]) == 50
    assert headers["Authorization"] == webhook_sign(
        workspace.webhook_signing_secret, payload["timestamp"], payload["token"]
    )
    assert payload["bulk"]["_id"] == delivery.job.public_id
    assert delivery.attempts[0]["status_code"] == 200


def test_406_refuses_without_retry(workspace, receiver, hook_dialect):
    handler, url = receiver
    handler.status = 406
    with mock.patch("apps.imports.webhooks.webhook_delivery_enqueue") as enqueue:
        delivery = webhook_delivery_send(delivery_id=_delivery(workspace, url).pk)
    assert delivery.status == "refused"
    enqueue.assert_not_called()


def test_other_answers_retry_on_the_schedule_then_give_up(workspace, receiver, hook_dialect):
    handler, url = receiver
    handler.status = 500
    delivery = _delivery(workspace, url)
    countdowns = []
    with mock.patch(
        "apps.imports.webhooks.webhook_delivery_enqueue",
        side_effect=lambda delivery_id, countdown=0: countdowns.append(countdown),
    ):
        for _ in range(len(RETRY_SCHEDULE_SECONDS) + 1):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
            delivery = webhook_delivery_send(delivery_id=delivery.pk)
    assert countdowns == list(RETRY_SCHEDULE_SECONDS)
    assert delivery.status == "given_up"
    assert len(delivery.attempts) == len(RETRY_SCHEDULE_SECONDS) + 1


def test_a_target_that_turned_internal_is_refused_at_send_time(workspace, hook_dialect, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    delivery = _delivery(workspace, "https://hooks.example.com/x")
    with (
        mock.patch("socket.getaddrinfo", return_value=_addrinfo("10.0.0.5")),
        mock.patch("apps.imports.webhooks.webhook_delivery_enqueue"),
    ):
        delivery = webhook_delivery_send(delivery_id=delivery.pk)
    assert "refused target" in delivery.attempts[0]["error"]
    assert delivery.status == "pending"  # logged; retried on schedule in case DNS changes back
