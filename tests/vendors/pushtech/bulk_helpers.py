"""Helpers for the bulk tests: URLs, posting, running the stored jobs, name resolution for webhook URLs and
a local webhook receiver."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

import orjson
import pytest

from apps.imports.models import ImportJob
from apps.imports.services import import_job_run
from tests.vendors.pushtech.conftest import BASE

PUBLIC_IP = "93.184.216.34"
# Names the tests use as public webhook hosts (the seed's own and one of ours); no network is needed.
PUBLIC_HOSTS = {"requestb.in", "hooks.example.com"}


def bulk_url(account_id: str, query: str = "") -> str:
    return f"{BASE}/v2/account/{account_id}/contact/bulk{query}"


def status_url(account_id: str, bulk_id: str) -> str:
    return f"{BASE}/v2/account/{account_id}/contact/bulk/{bulk_id}"


def post_bulk(client, workspace, body: Any, query: str = "", **extra: Any):
    return client.post(
        bulk_url(workspace.public_id, query), orjson.dumps(body), content_type="application/json", **extra
    )


def contacts(n: int, prefix: str = "c", **fields: Any) -> list[dict[str, Any]]:
    return [{"email": f"{prefix}{i}@example.com", "user_id": f"{prefix}{i}", **fields} for i in range(n)]


def run_jobs() -> list[ImportJob]:
    """Run every queued job as the worker would (webhook deliveries are created, not sent: their sending
    is queued on commit, which the test's transaction never reaches)."""
    for job_id in ImportJob.objects.filter(status="queued").order_by("id").values_list("id", flat=True):
        import_job_run(job_id=job_id, token=f"test-{job_id}")
    return list(ImportJob.objects.order_by("id"))


def run_job(public_id: str) -> ImportJob:
    job = ImportJob.objects.get(public_id=public_id)
    import_job_run(job_id=job.pk, token=f"test-{job.pk}")
    job.refresh_from_db()
    return job


@pytest.fixture
def public_dns() -> Iterator[None]:
    """The test hosts resolve to a public address; every other name resolves as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in PUBLIC_HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port or 443))]
        return real(host, port, *args, **kwargs)

    with mock.patch("socket.getaddrinfo", getaddrinfo):
        yield


class Receiver(http.server.BaseHTTPRequestHandler):
    status = 200
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver(settings) -> Iterator[tuple[type[Receiver], str]]:
    """A local HTTP receiver; loopback targets are allowed for the test (`WEBHOOK_ALLOW_PRIVATE_TARGETS`)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    Receiver.received = []
    Receiver.status = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


# The job runner adds one `+ 1` per item to a single F() expression per outcome
# (apps/imports/services.py, `_record_chunk`): a chunk with ~100 items of one outcome overflows SQLite's
# parser and ~250 Python's recursion limit. Until that is fixed there, the bulk tests run small chunks.
SAFE_CHUNK_SIZE = 50
