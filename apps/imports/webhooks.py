"""Outbound webhooks: signed as PUSHTech signs, retried on its schedule, logged, and SSRF-safe.

Safety: the URL must be http(s) and its host must resolve only to public addresses; that is checked when the
bulk is posted (`webhook_url_check`) and again at send time, where the request goes to the very address that
was checked (no second DNS lookup for an attacker to rebind). Redirects are not followed, timeouts are short
and at most 64 KB of the answer is read. `WEBHOOK_ALLOW_PRIVATE_TARGETS` lifts the address rule (development
and tests only).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.client
import ipaddress
import logging
import secrets
import socket
import ssl
import string
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.imports.models import ImportJob, WebhookDelivery
from apps.imports.registry import bulk_dialect_get

logger = logging.getLogger(__name__)

# PUSHTech: anything but 200 or 406 is retried after 5m, 5m, 10m, 10m, 30m, 1h, 2h, then given up.
RETRY_SCHEDULE_SECONDS = (300, 300, 600, 600, 1800, 3600, 7200)
TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 64 * 1024
TOKEN_ALPHABET = string.ascii_letters + string.digits


class UnsafeTarget(ValueError):
    pass


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, checked address) for a safe URL; UnsafeTarget says why one is not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("the webhook URL must start with http:// or https://")
    if not parts.hostname:
        raise UnsafeTarget("the webhook URL has no host")
    if parts.username or parts.password:
        raise UnsafeTarget("the webhook URL must not carry credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeTarget("the webhook URL has an invalid port") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(f"the webhook host {parts.hostname!r} does not resolve") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    refused = [str(a) for a in addresses if not _allowed(a)]
    if refused or not addresses:
        raise UnsafeTarget(
            f"the webhook host {parts.hostname!r} resolves to a private or internal address ({refused[0]})"
            if refused
            else f"the webhook host {parts.hostname!r} has no address"
        )
    return parts.scheme, parts.hostname, port, str(addresses[0])


def webhook_url_check(url: str) -> str | None:
    """None when the URL is a safe webhook target, else the reason (for a 400 naming the field)."""
    if len(url) > 2000:
        return "the webhook URL is longer than 2000 characters"
    try:
        resolve_target(url)
    except UnsafeTarget as exc:
        return str(exc)
    return None


def webhook_sign(secret: str, timestamp: int, token: str) -> str:
    """PUSHTech's signature: hex HMAC-SHA256 of `timestamp + token`, keyed with the account secret."""
    return hmac.new(secret.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post_json(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to a checked address; the status code. Raises UnsafeTarget or OSError."""
    scheme, host, port, address = resolve_target(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address, timeout=TIMEOUT_SECONDS)
    try:
        conn.request("POST", path, body=body, headers={**headers, "Content-Length": str(len(body))})
        response = conn.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        conn.close()


def webhook_deliveries_create(*, job: ImportJob, parts: int) -> list[WebhookDelivery]:
    """One delivery per part of the job's webhook; each is sent once the transaction commits."""
    deliveries = [
        WebhookDelivery.objects.get_or_create(
            job=job, part=part, defaults={"url": job.webhook_url, "parts": parts}
        )[0]
        for part in range(1, parts + 1)
    ]
    for delivery in deliveries:
        if delivery.status == "pending":
            transaction.on_commit(functools.partial(webhook_delivery_enqueue, delivery_id=delivery.pk))
    return deliveries


def webhook_delivery_enqueue(*, delivery_id: int, countdown: int = 0) -> None:
    from apps.imports.tasks import webhook_delivery_send_task

    try:
        webhook_delivery_send_task.apply_async(args=(delivery_id,), countdown=countdown, retry=False)
    except Exception:
        logger.warning("could not queue webhook delivery %s", delivery_id, exc_info=True)


def webhook_delivery_send(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt; schedules the next one on the vendor's schedule. Safe to run twice."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("job__workspace")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != "pending":
            return delivery
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now() + timedelta(seconds=5):
            return delivery  # an early duplicate of a scheduled retry
        job = delivery.job
        payload = bulk_dialect_get(job.source).webhook_payload(job, delivery.part, delivery.parts)  # type: ignore[misc]
        timestamp = int(time.time())
        token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(50))
        body = orjson.dumps({"timestamp": timestamp, "token": token, **payload})
        headers = {
            "Content-Type": "application/json",
            "Authorization": webhook_sign(job.workspace.webhook_signing_secret, timestamp, token),
            "User-Agent": "contacts_admin-webhooks/1",
        }
        started = time.monotonic()
        status_code, error = None, ""
        try:
            status_code = post_json(delivery.url, body, headers)
        except UnsafeTarget as exc:
            error = f"refused target: {exc}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        attempt = {
            "at": timezone.now().isoformat(),
            "status_code": status_code,
            "error": error,
            "duration_ms": round((time.monotonic() - started) * 1000),
        }
        delivery.attempts = [*delivery.attempts, attempt]
        retry_in = None
        if status_code == 200:
            delivery.status, delivery.next_attempt_at = "delivered", None
        elif status_code == 406:
            delivery.status, delivery.next_attempt_at = "refused", None
        elif len(delivery.attempts) > len(RETRY_SCHEDULE_SECONDS):
            delivery.status, delivery.next_attempt_at = "given_up", None
        else:
            retry_in = RETRY_SCHEDULE_SECONDS[len(delivery.attempts) - 1]
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
        delivery.save(update_fields=["attempts", "status", "next_attempt_at"])
    if retry_in is not None:
        webhook_delivery_enqueue(delivery_id=delivery.pk, countdown=retry_in)
    return delivery


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again now (dashboard "resend"), whatever the last outcome; the attempt log is kept."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending", next_attempt_at=None)
    transaction.on_commit(lambda: webhook_delivery_enqueue(delivery_id=delivery.pk))
    delivery.refresh_from_db()
    return delivery


def webhook_deliveries_due() -> int:
    """Queue retries whose time has come (a lost countdown message must not lose a delivery)."""
    due = WebhookDelivery.objects.filter(status="pending", next_attempt_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    count = 0
    for delivery_id in due:
        webhook_delivery_enqueue(delivery_id=delivery_id)
        count += 1
    return count
