"""A small HTTP load generator: N client threads with keep-alive connections, latencies recorded."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def merge(self, other: LoadResult) -> None:
        """Add another run's requests (a round of the same endpoint): rates stay requests per second of
        load, over the rounds' summed durations."""
        self.latencies.extend(other.latencies)
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.elapsed += other.elapsed

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99_ms(self) -> float:
        return self.percentile(99) * 1000


def run_load(
    base_url: str,
    requests: Iterator[Request] | Callable[[int], Request],
    *,
    clients: int,
    total: int | None = None,
    duration: float | None = None,
    on_response: Callable[[int, bytes], None] | None = None,
) -> LoadResult:
    """Send requests from `clients` threads until `total` are done or `duration` seconds have passed."""
    parts = urlsplit(base_url)
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(total if total is not None else 10**12))
    source = requests if callable(requests) else None
    shared_iter = None if callable(requests) else requests
    deadline = time.perf_counter() + duration if duration else None

    def next_request() -> Request | None:
        with lock:
            n = next(counter, None)
            if n is None or (deadline is not None and time.perf_counter() > deadline):
                return None
            if source is not None:
                return source(n)
            return next(shared_iter, None)  # type: ignore[arg-type]

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        while (req := next_request()) is not None:
            method, path, body, headers = req
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            took = time.perf_counter() - started
            with lock:
                result.latencies.append(took)
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            if on_response is not None:
                on_response(response.status, payload)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - started
    return result
