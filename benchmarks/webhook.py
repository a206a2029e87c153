"""Signed Twilio SMS webhooks against the running API on loopback: throughput and latency percentiles.

    python -m benchmarks.webhook [--requests 2000] [--concurrency 8] [--max-seconds 120]
                                 [--database-url URL] [--redis-url URL]

Starts the dashboard's Starlette API app (the same `create_api()` Reflex mounts) under granian (what
reflex installs) on a free 127.0.0.1 port, next to a bare route on the same server, with a fresh SQLite
database and the embedded Redis in a temporary folder (or the given PostgreSQL and Redis; their data is
added to, so point it at a scratch database). Seeds reps, each with a pending draft approval, then posts
signed webhooks from the reps' numbers (bodies cycle through Y, "maybe later", HELP and N, each with a new
MessageSid), so the whole real path runs: signature, MessageSid record, allowlist, parsing, the
conditional update, an outbox reply, and the Redis enqueues. The bare route is timed the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from sales_dashboard.launch import free_port

BARE_PATH = "/bench/bare"
BODIES = ("Y", "maybe later", "HELP", "N")


async def _bare(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def bench_app() -> Starlette:
    """The API app plus a bare route, on one server (granian's --factory target)."""
    from sales_dashboard.api import create_api

    return Starlette(routes=[Route(BARE_PATH, _bare, methods=["GET", "POST"]), Mount("/", app=create_api())])




@contextmanager
def serve(env: dict[str, str], port: int, *, timeout: float = 30.0) -> Iterator[str]:
    """Run `bench_app` under granian on 127.0.0.1:`port` with `env`; yields the base URL; always stopped."""
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--log-level", "warning", "--factory", "benchmarks.webhook:bench_app"]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=Path(__file__).resolve().parent.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + BARE_PATH, timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"granian did not start serving on {base}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Timing:
    """Latencies (seconds) of one run and its wall time."""

    name: str
    latencies: list[float]
    statuses: dict[int, int]
    wall: float

    def row(self) -> str:
        """One line of the table."""
        ms = sorted(latency * 1000 for latency in self.latencies)
        if not ms:
            return f"{self.name:<22} no requests"
        quantiles = statistics.quantiles(ms, n=100, method="inclusive")
        return (f"{self.name:<22} {len(ms):>7} {len(ms) / self.wall:>9.0f} {quantiles[49]:>8.2f} {quantiles[94]:>8.2f} "
                f"{quantiles[98]:>8.2f} {ms[-1]:>8.2f}  {dict(sorted(self.statuses.items()))}")


async def drive(name: str, make_request: object, *, count: int, concurrency: int, max_seconds: float) -> Timing:
    """Send up to `count` requests with `concurrency` in flight, stopping early at `max_seconds`."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(count))
    started = time.perf_counter()
    deadline = started + max_seconds
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, trust_env=False, limits=limits) as client:

        async def worker() -> None:
            for index in counter:
                if time.perf_counter() > deadline:
                    return
                begin = time.perf_counter()
                response = await make_request(client, index)  # type: ignore[operator]
                latencies.append(time.perf_counter() - begin)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Timing(name, latencies, statuses, time.perf_counter() - started)


def _seed(*, reps: int) -> list[str]:
    """Reps with a pending draft approval each; returns their numbers."""
    from core.approvals import create_approval
    from core.clock import SystemClock
    from core.db import session_scope
    from core.models import ApprovalKind, Rep

    phones = []
    now = SystemClock().now()
    with session_scope() as session:
        for n in range(reps):
            tag = uuid.uuid4().hex[:8]
            phone = f"+1212{500 + n}{int(tag, 16) % 10000:04d}"
            rep = Rep(name=f"Bench rep {n}", email=f"bench-{tag}@example.com", phone=phone)
            session.add(rep)
            session.flush()
            assert rep.id is not None
            create_approval(session=session, kind=ApprovalKind.DRAFT, subject_id=10**9 + int(tag, 16) % 10**8,
                            rep_id=rep.id, now=now, timeout=timedelta(hours=48))
            phones.append(rep.phone)
    return phones


def _outcomes() -> dict[str, int]:
    """How the recorded webhook calls came out (proves the real path ran, not a 403 or unknown-number path)."""
    import sqlalchemy as sa

    from core.db import session_scope
    from core.models import InboundMessage

    with session_scope() as session:
        rows = session.execute(sa.select(InboundMessage.outcome, sa.func.count()).group_by(InboundMessage.outcome))
        return {str(outcome): int(count) for outcome, count in rows}


def run(*, requests: int, concurrency: int, max_seconds: float, database_url: str, redis_url: str) -> list[Timing]:
    """Set up, serve, seed, drive both routes; returns the two timings."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sa-bench-") as data_dir:
        env = {
            "DATA_DIR": data_dir,
            "DATABASE_URL": database_url or f"sqlite:///{data_dir}/bench.db",
            "REDIS_URL": redis_url,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "AGENT_MODE": "shadow",
            "AGENT_SEND_ENABLED": "false",
            "TWILIO_ACCOUNT_SID": "",
            "TWILIO_AUTH_TOKEN": "",
        }
        os.environ.update(env)  # this process seeds and signs with the same settings the server reads
        from core.config import get_settings
        from core.db import upgrade_database
        from core.redis_conn import ensure_redis
        from sales_dashboard.api.twilio import SMS_PATH, sign_params, signed_url

        settings = get_settings()
        upgrade_database(settings)
        redis = ensure_redis(settings)
        if settings.embedded_redis:
            os.environ["REDIS_URL"] = env["REDIS_URL"] = settings.effective_redis_url
        try:
            phones = _seed(reps=50)
            url = signed_url(settings, SMS_PATH)

            async def sms(client: httpx.AsyncClient, index: int) -> httpx.Response:
                params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                          "From": phones[index % len(phones)], "To": "+15005550006",
                          "Body": BODIES[(index // len(phones)) % len(BODIES)], "NumMedia": "0"}
                return await client.post(url, content=urlencode(params), headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": sign_params(settings, url, params)})

            with serve(env, port) as base:

                async def bare(client: httpx.AsyncClient, _index: int) -> httpx.Response:
                    return await client.post(base + BARE_PATH, content=b"x=1",
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})

                timings = []
                for name, request in (("bare route", bare), ("signed SMS webhook", sms)):
                    asyncio.run(drive(name, request, count=50, concurrency=concurrency, max_seconds=10))  # warm up
                    timings.append(asyncio.run(drive(name, request, count=requests, concurrency=concurrency,
                                                     max_seconds=max_seconds)))
            backend = "postgresql" if settings.effective_database_url.startswith("postgresql") else "sqlite"
            print(f"granian (1 worker) on 127.0.0.1:{port}; database {backend}; "
                  f"{'embedded' if redis or settings.embedded_redis else 'external'} Redis; "
                  f"{requests} requests per route, concurrency {concurrency}")
            header = ("route", "done", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
            print(f"{header[0]:<22} " + " ".join(f"{h:>{9 if h == 'req/s' else 7 if h == 'done' else 8}}"
                                                  for h in header[1:]) + "  statuses")
            for timing in timings:
                print(timing.row())
            print(f"webhook outcomes recorded: {_outcomes()}")
            return timings
        finally:
            if redis is not None:
                redis.stop()


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webhook", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per route (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop each route after this long")
    parser.add_argument("--database-url", default="", help="a scratch PostgreSQL (default: a temporary SQLite)")
    parser.add_argument("--redis-url", default="", help="a scratch Redis (default: the embedded one)")
    args = parser.parse_args(argv)
    run(requests=args.requests, concurrency=args.concurrency, max_seconds=args.max_seconds,
        database_url=args.database_url, redis_url=args.redis_url)


if __name__ == "__main__":
    main()
