"""Bulk imports end to end with real parts: gunicorn, a Celery worker on Redis, PostgreSQL, webhooks.

A PUSHTech bulk of 5000 contacts is accepted (201) before it is processed, completes, stores every contact
once and sends a signed webhook; the same with the worker SIGKILLed mid-job and restarted; and a bulk posted
while the broker is down is accepted and processed once the broker is back.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from tests.e2e.stack import Stack, redis_ready, running_stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
CONTACTS = 5000


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the bulk end-to-end tests run on PostgreSQL (set DATABASE_URL)")
    settings = {
        "INGEST_CHUNK_SIZE": "250",
        "IMPORT_HEARTBEAT_STALE_SECONDS": "6",
        "IMPORT_QUEUED_STALE_SECONDS": "3",
        "IMPORT_SWEEP_INTERVAL_SECONDS": "2",
    }
    with running_stack(tmp_path_factory.mktemp("stack"), database_url, **settings) as running:
        yield running


@pytest.fixture(scope="module")
def account(stack) -> tuple[str, str, str]:
    workspace_id = stack.manage("create_workspace", "E2E").strip()
    key = stack.manage("create_api_key", workspace_id, "--name", "e2e").strip()
    secret = stack.sql(
        "SELECT webhook_signing_secret FROM workspaces_workspace WHERE public_id = %s", workspace_id
    )[0][0]
    return workspace_id, key, secret


class Receiver(http.server.BaseHTTPRequestHandler):
    posts: list[tuple[dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.posts.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def post_bulk(stack: Stack, account, prefix: str, webhook_url: str | None = None) -> tuple[int, dict, float]:
    workspace_id, key, _ = account
    body = {
        "contacts": [
            {"email": f"{prefix}{i}@example.com", "name_first": f"N{i}", "user_id": f"{prefix}{i}"}
            for i in range(CONTACTS)
        ],
        "match_contact_user_id": True,
    }
    if webhook_url:
        body["webhook_url"] = webhook_url
    request = urllib.request.Request(
        f"{stack.base_url}/pushtech/api/v2/account/{workspace_id}/contact/bulk",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token token={key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), time.time()
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), time.time()


def job_row(stack: Stack, public_id: str) -> dict:
    rows = stack.sql(
        "SELECT status, received, processed, created, updated, unchanged, skipped, failed, "
        "finished_at, attempts FROM imports_importjob WHERE public_id = %s",
        public_id,
    )
    keys = [
        "status",
        "received",
        "processed",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "failed",
        "finished_at",
        "attempts",
    ]
    return dict(zip(keys, rows[0], strict=True))


def wait_completed(stack: Stack, public_id: str, timeout: float = 240) -> dict:
    try:
        return wait_for(
            lambda: (row := job_row(stack, public_id))["status"] == "completed" and row,
            timeout,
            f"job {public_id} to complete",
        )
    except AssertionError:
        raise AssertionError(f"{job_row(stack, public_id)}\n{stack.logs()}") from None


def stored(stack: Stack, prefix: str) -> tuple[int, int]:
    return stack.sql(
        "SELECT count(*), count(DISTINCT email) FROM contacts_contact WHERE email LIKE %s", f"{prefix}%"
    )[0]


def test_bulk_is_accepted_before_processing_then_stored_once_and_signed_webhook_sent(
    stack, account, receiver
):
    status, body, answered_at = post_bulk(stack, account, "a", webhook_url=receiver)
    assert status == 201, body
    job = wait_completed(stack, body["bulk"]["_id"])
    assert job["finished_at"].timestamp() > answered_at  # the 201 came before the work was done
    assert (job["received"], job["processed"], job["created"], job["failed"]) == (
        CONTACTS,
        CONTACTS,
        CONTACTS,
        0,
    )
    assert stored(stack, "a") == (CONTACTS, CONTACTS)

    wait_for(lambda: len(Receiver.posts) >= 5, 60, "the webhook parts")
    secret = account[2]
    seen = 0
    for headers, raw in Receiver.posts:
        payload = json.loads(raw)
        expected = hmac.new(
            secret.encode(), f"{payload['timestamp']}{payload['token']}".encode(), hashlib.sha256
        ).hexdigest()
        assert headers["Authorization"] == expected
        assert payload["bulk"]["_id"] == body["bulk"]["_id"]
        seen += len(payload["contacts"])
    assert seen == CONTACTS


def test_worker_killed_mid_job_then_restarted_completes_exactly(stack, account):
    status, body, _ = post_bulk(stack, account, "k")
    assert status == 201, body
    public_id = body["bulk"]["_id"]
    wait_for(
        lambda: 0 < job_row(stack, public_id)["processed"] < CONTACTS,
        120,
        "the job to be half done",
        interval=0.05,
    )
    stack.worker.kill()  # SIGKILL to the worker and its pool child
    half = job_row(stack, public_id)
    assert half["status"] == "running" and half["processed"] < CONTACTS
    stack.new_worker()
    job = wait_completed(stack, public_id)
    assert (job["processed"], job["created"], job["updated"], job["unchanged"], job["failed"]) == (
        CONTACTS,
        CONTACTS,
        0,
        0,
        0,
    )
    assert job["attempts"] >= 2
    assert stored(stack, "k") == (CONTACTS, CONTACTS)


def test_bulk_posted_while_the_broker_is_down_is_processed_when_it_is_back(stack, account):
    stack.redis.stop()
    status, body, _ = post_bulk(stack, account, "b")
    assert status == 201, body
    public_id = body["bulk"]["_id"]
    assert job_row(stack, public_id)["status"] == "queued"
    stack.redis.start()
    wait_for(lambda: redis_ready(stack.redis_port), 20, "redis back")
    job = wait_completed(stack, public_id, timeout=300)
    assert job["created"] == CONTACTS
    assert stored(stack, "b") == (CONTACTS, CONTACTS)
    assert datetime.now(UTC) > job["finished_at"]
