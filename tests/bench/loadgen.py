"""HTTP load: open loop at a constant rate, free of coordinated omission, or closed loop for capacity.

Open loop: request i is due at start + i / rate whatever happened to earlier ones, and its latency is
measured from that due time, so a stalled server shows up as latency instead of as fewer requests.
Closed loop: a few clients each send their next request as soon as the last one is answered, which
reads the rate the server can serve without stepping through rates.
"""

import asyncio
import itertools
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    rate: float
    duration: float
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    def percentile(self, pct):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]

    @property
    def sent(self):
        return len(self.latencies) + self.errors

    @property
    def achieved_rate(self):
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def failures(self, ok_statuses):
        return self.errors + sum(n for status, n in self.statuses.items() if status not in ok_statuses)

    def summary(self):
        return {
            "rate": self.rate,
            "sent": self.sent,
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else float("nan"),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if self.latencies else float("nan"),
            "statuses": dict(sorted(self.statuses.items())),
            "errors": self.errors,
        }


async def _request(host, port, raw, timeout):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await asyncio.wait_for(reader.readline(), timeout)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length:
            await asyncio.wait_for(reader.readexactly(length), timeout)
        return status
    finally:
        writer.close()


def build_request(url, method="GET", body=b"", headers=None):
    """Raw HTTP/1.1 bytes for one request on its own connection."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _run(url, rate, duration, make_request, timeout):
    parts = urlsplit(url)
    result = LoadResult(rate=rate, duration=duration)
    total = int(rate * duration)
    start = time.perf_counter() + 0.05
    tasks = []

    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_timed(result, parts, make_request(i), due, timeout)))
    await asyncio.gather(*tasks)
    result.elapsed = time.perf_counter() - start
    return result


async def _run_closed(url, clients, duration, make_request, timeout):
    parts = urlsplit(url)
    result = LoadResult(rate=None, duration=duration)
    numbers = itertools.count()
    start = time.perf_counter()

    async def client():
        while time.perf_counter() - start < duration:
            await _timed(result, parts, make_request(next(numbers)), time.perf_counter(), timeout)

    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = time.perf_counter() - start
    return result


async def _timed(result, parts, raw, since, timeout):
    """Send one request and record its status and its latency from ``since``, or an error."""
    try:
        status = await _request(parts.hostname, parts.port or 80, raw, timeout)
    except (OSError, asyncio.TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError):
        result.errors += 1
        return
    result.latencies.append(time.perf_counter() - since)
    result.statuses[status] = result.statuses.get(status, 0) + 1


def run_load(url, rate, duration, make_request, timeout=30):
    """Send `rate` requests per second for `duration` seconds; make_request(i) returns raw request bytes."""
    return asyncio.run(_run(url, rate, duration, make_request, timeout))


def run_closed(url, clients, duration, make_request, timeout=30):
    """`clients` clients sending requests back to back for `duration` seconds; make_request(i) as above."""
    return asyncio.run(_run_closed(url, clients, duration, make_request, timeout))
