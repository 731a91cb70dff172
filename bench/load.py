"""Load harness: a realistic mix against the production profile, then the database checked.

`make serve`'s profile (luukku/serve.py: 2 uvicorn app processes and 1 `litestar worker`) on
PostgreSQL and a loopback port, mail to a local SMTP sink. Virtual users, each one request at
a time, pick from the mix (slot searches 70 %, bookings 15 %, manage-link reads 10 %, feeds
5 %) for a fixed duration. Reported: throughput, p50/p95/p99 latency per kind, errors (5xx,
transport errors, any unexpected status; a 409 to a booking is a lost race, not an error).
Afterwards, with the mail drained: no two reservations of a resource overlap, every accepted
(201) booking is in the database, and every message in the outbox was sent and received by
the sink exactly once (by Message-ID).

The data are bench/slots.py's: 100 experts, services of 6, 50 and 100 of them, about 30 % of
working hours booked over the 30 days from 2026-11-23. The server runs on the real clock.

`python -m bench.load` (60 s, writes its section of docs/performance.md); `--seconds 20
--no-write` is the short check the test suite runs (tests/test_load.py). PostgreSQL:
`BENCH_LOAD_POSTGRES_URL` (default `postgresql://postgres@127.0.0.1:5432/luukku_bench_load`),
whose `public` schema is dropped and recreated. Rate limits are off (`RATE_LIMITS_ENABLED`).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import os
import random
import socket
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiosmtpd.controller import Controller
from piccolo.engine.postgres import PostgresEngine

from bench.harness import display_url, migrate, prepare_postgres
from bench.report import machine_line, record_figures, write_section
from bench.slots_world import seed, service_slug
from booking.feeds.tokens import issue_feed_token
from calendars.tables import Expert
from luukku.database import bind_tables, engine_from_url
from luukku.serve import Profile, start, stop
from luukku.settings import Settings
from notifications.messages import Sender, message_id

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench_load"
ZONE = ZoneInfo("Europe/Helsinki")
SECRET_KEY = "load-harness-secret-that-is-long-enough-for-hs256"  # noqa: S105 (bench only)
MAIL_FROM = "Luukku <luukku@luukku.bench>"
MIX = {"search": 70, "book": 15, "manage": 10, "feed": 5}
TYPICAL = (6, 14)
LARGE = (50, 30)
"""(experts, days searched): the typical service and the large one."""
LARGE_SHARE = 0.2
"""Share of searches and bookings on the large service."""
USERS = 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the mail sink --------------------------------------------------------------------------


class CountingHandler:
    """Counts the Message-IDs of the messages it accepts."""

    def __init__(self) -> None:
        self.message_ids: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.message_ids[str(message["Message-ID"])] += 1
        return "250 Message accepted"


class MailSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = CountingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# --- the server -----------------------------------------------------------------------------


def server_env(database_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "DEMO_MODE": "false",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "MAIL_FROM": MAIL_FROM,
        "RATE_LIMITS_ENABLED": "false",
    }


@asynccontextmanager
async def served(profile: Profile, env: Mapping[str, str]) -> AsyncIterator[str]:
    """The profile's processes, up and ready; their base URL."""
    processes = start(profile, env)
    base_url = f"http://{profile.host}:{profile.port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
            for _ in range(300):
                if any(process.poll() is not None for process in processes):
                    raise RuntimeError("a server process exited while starting")
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError("the server did not get ready in 60 s")
        yield base_url
    finally:
        await asyncio.to_thread(stop, processes)


# --- the world ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class World:
    feed_paths: list[str]


async def prepare(url: str) -> World:
    """Fresh schema, bench/slots.py's data, a feed address for each of 20 experts."""
    if await prepare_postgres(url) is None:
        raise RuntimeError(f"PostgreSQL at {display_url(url)} is unreachable")
    await migrate(url)
    from app import ALL_TABLES

    engine = engine_from_url(url)
    assert isinstance(engine, PostgresEngine)
    await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        bind_tables(engine, ALL_TABLES)
        await seed(random.Random(20261126))
        settings = Settings(database_url=url, secret_key=SECRET_KEY, demo_mode=False)
        experts = await Expert.select(Expert.id).order_by(Expert.id).limit(20)
        now = datetime.now(UTC)
        tokens = [await issue_feed_token(row["id"], now, settings) for row in experts]
    finally:
        await engine.close_connection_pool()
    return World(feed_paths=[f"/feeds/{token}.ics" for token in tokens])


def search_path(experts: int, days: int, offset_days: int = 0) -> str:
    first = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=offset_days)
    last = first + timedelta(days=days - 1)
    return f"/api/v1/services/{service_slug(experts)}/slots?start={first}&end={last}"


def booking_body(experts: int, start: str, n: int, expert_id: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": service_slug(experts),
        "start": start,
        "channel": "phone",
        "language": "fi",
        "customer": {"name": f"Kuormitus Asiakas {n}", "email": f"load{n}@example.com"},
    }
    if expert_id is not None:
        body["expert_id"] = expert_id
    return body


# --- driving the load -----------------------------------------------------------------------


@dataclass
class Tally:
    """What the virtual users saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    accepted: dict[str, str] = field(default_factory=dict)
    """Reference → manage token of every 201."""
    seconds: float = 0.0

    def record(self, kind: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses[(kind, status)] += 1

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())


EXPECTED = {"search": {200}, "book": {201, 409}, "manage": {200}, "feed": {200, 304}}


async def drive(base_url: str, world: World, seconds: float, users: int = USERS) -> Tally:
    tally = Tally()
    candidates: dict[int, list[str]] = {TYPICAL[0]: [], LARGE[0]: []}
    counter = iter(range(10**9))
    rng = random.Random(20261126)
    kinds = list(MIX)
    weights = list(MIX.values())
    deadline = time.monotonic() + seconds

    async def one(client: httpx.AsyncClient) -> None:
        kind = rng.choices(kinds, weights)[0]
        experts, days = LARGE if rng.random() < LARGE_SHARE else TYPICAL
        if kind == "book" and not candidates[experts]:
            kind = "search"
        if kind == "manage" and not tally.accepted:
            kind = "search"
        request: httpx.Request
        if kind == "search":
            path = search_path(experts, days, offset_days=rng.randrange(3))
            request = client.build_request("GET", path)
        elif kind == "book":
            start = rng.choice(candidates[experts])
            request = client.build_request(
                "POST", "/api/v1/bookings", json=booking_body(experts, start, next(counter))
            )
        elif kind == "manage":
            reference, token = rng.choice(list(tally.accepted.items()))
            request = client.build_request(
                "GET", f"/api/v1/bookings/{reference}", headers={"Authorization": f"Bearer {token}"}
            )
        else:
            request = client.build_request("GET", rng.choice(world.feed_paths))
        began = time.perf_counter()
        try:
            response = await client.send(request)
        except httpx.HTTPError as exc:
            tally.errors[f"{kind}: {type(exc).__name__}"] += 1
            return
        tally.record(kind, time.perf_counter() - began, response.status_code)
        if response.status_code not in EXPECTED[kind]:
            tally.errors[f"{kind}: {response.status_code}"] += 1
            return
        if kind == "search":
            slots = response.json()["slots"]
            if slots:
                candidates[experts] = [slot["start"] for slot in slots]
        elif kind == "book" and response.status_code == 201:
            body = response.json()
            tally.accepted[body["reference"]] = body["manage_token"]

    async def user() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            while time.monotonic() < deadline:
                await one(client)

    began = time.monotonic()
    await asyncio.gather(*(user() for _ in range(users)))
    tally.seconds = time.monotonic() - began
    return tally


# --- checking the database ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    overlapping_reservations: int
    accepted: int
    accepted_missing: int
    messages: int
    messages_unsent: int
    messages_missing_at_sink: int
    messages_received_twice: int
    seconds_to_drain: float

    @property
    def ok(self) -> bool:
        return not (
            self.overlapping_reservations
            or self.accepted_missing
            or self.messages_unsent
            or self.messages_missing_at_sink
            or self.messages_received_twice
        )


OVERLAPS = """
SELECT count(*) FROM reservation a JOIN reservation b
  ON a.resource = b.resource AND a.id < b.id
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


async def verify(url: str, tally: Tally, sink: MailSink, drain_seconds: float = 90) -> Verification:
    connection = await asyncpg.connect(url)
    try:
        began = time.monotonic()
        while time.monotonic() - began < drain_seconds:
            waiting = await connection.fetchval(
                "SELECT count(*) FROM notification_outbox "
                "WHERE status IN ('pending', 'sending') AND due_at <= now()"
            )
            if waiting == 0:
                break
            await asyncio.sleep(0.5)
        drained = time.monotonic() - began
        await asyncio.sleep(1)  # anything sent twice arrives by now
        overlaps = await connection.fetchval(OVERLAPS)
        present = await connection.fetch(
            "SELECT reference FROM booking WHERE reference = ANY($1::text[])",
            list(tally.accepted),
        )
        rows = await connection.fetch(
            "SELECT idempotency_key, status FROM notification_outbox WHERE due_at <= now()"
        )
    finally:
        await connection.close()
    domain = Sender.from_mail_from(MAIL_FROM, "").domain
    sent = {message_id(row["idempotency_key"], domain) for row in rows if row["status"] == "sent"}
    received = sink.handler.message_ids
    return Verification(
        overlapping_reservations=int(overlaps),
        accepted=len(tally.accepted),
        accepted_missing=len(tally.accepted) - len(present),
        messages=len(rows),
        messages_unsent=sum(row["status"] != "sent" for row in rows),
        messages_missing_at_sink=len(sent - set(received)),
        messages_received_twice=sum(count > 1 for count in received.values()),
        seconds_to_drain=drained,
    )


# --- one run --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadRun:
    tally: Tally
    verification: Verification
    web: int
    workers: int
    users: int


async def run_load(url: str, seconds: float, users: int = USERS) -> LoadRun:
    world = await prepare(url)
    profile = Profile(port=free_port(), web=2, workers=1)
    with MailSink() as sink:
        async with served(profile, server_env(url, sink.port)) as base_url:
            tally = await drive(base_url, world, seconds, users)
            verification = await verify(url, tally, sink)
    return LoadRun(tally, verification, profile.web, profile.workers, users)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def results_table(run: LoadRun) -> str:
    tally = run.tally
    lines = [
        "| Request | Share | Requests | Per second | p50 ms | p95 ms | p99 ms | Statuses |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    rows = [*MIX, "all"]
    for kind in rows:
        values = (
            [v for vs in tally.latencies.values() for v in vs]
            if kind == "all"
            else tally.latencies.get(kind, [])
        )
        statuses = ", ".join(
            f"{status}: {count}"
            for (k, status), count in sorted(tally.statuses.items())
            if k == kind or kind == "all"
        )
        share = f"{len(values) / max(1, tally.requests):.0%}"
        lines.append(
            f"| {kind} | {share} | {len(values)} | {len(values) / tally.seconds:.0f} | "
            f"{percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
            f"{percentile(values, 99):.1f} | {statuses if kind != 'all' else ''} |"
        )
    return "\n".join(lines)


def report(run: LoadRun, url: str) -> str:
    v = run.verification
    errors = sum(run.tally.errors.values())
    return "\n".join(
        [
            f"Run of {datetime.now(UTC).date()} (`python -m bench.load`).",
            "",
            f"- {machine_line()} Server, worker, database, mail sink and load generator share it.",
            f"- Profile: {run.web} uvicorn app processes + {run.workers} `litestar worker` on "
            f"PostgreSQL, loopback; {run.users} virtual users, each one request at a time, for "
            f"{run.tally.seconds:.0f} s. Searches: 6 experts × 14 days ({1 - LARGE_SHARE:.0%}), "
            f"50 experts × 30 days ({LARGE_SHARE:.0%}); bookings on a start the last search "
            "listed (409 when another user took it first).",
            "",
            results_table(run),
            "",
            f"- Errors (5xx, transport, unexpected status): {errors}"
            + (f" ({dict(run.tally.errors)})" if errors else "")
            + ".",
            f"- Afterwards: {v.overlapping_reservations} overlapping reservations; "
            f"{v.accepted} bookings accepted, {v.accepted_missing} missing; {v.messages} "
            f"messages in the outbox, {v.messages_unsent} unsent, "
            f"{v.messages_missing_at_sink} not received, {v.messages_received_twice} received "
            f"twice (mail drained {v.seconds_to_drain:.1f} s after the load). "
            + ("**All checks passed.**" if v.ok and not errors else "**CHECKS FAILED.**"),
        ]
    )


def figures(run: LoadRun) -> list[tuple[str, str, str]]:
    tally, v = run.tally, run.verification
    profile = f"{run.web} app processes + {run.workers} worker, {run.users} users"
    rows = [("mixed requests/s", f"{tally.requests / tally.seconds:.0f}", profile)]
    for kind in ("search", "book"):
        rows.append(
            (
                f"{kind} p95 ms under load",
                f"{percentile(tally.latencies.get(kind, []), 95):.0f}",
                profile,
            )
        )
    rows.append(("errors", str(sum(tally.errors.values())), "0 expected"))
    rows.append(
        (
            "overlaps / lost bookings / mail not once",
            f"{v.overlapping_reservations} / {v.accepted_missing} / "
            f"{v.messages_unsent + v.messages_missing_at_sink + v.messages_received_twice}",
            "0 / 0 / 0",
        )
    )
    return rows


async def main(seconds: float, users: int, write: bool) -> None:
    url = os.environ.get("BENCH_LOAD_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    run = await run_load(url, seconds, users)
    section = report(run, url)
    print(section)
    if write:
        write_section("load", section)
        record_figures("load", figures(run))
    if not run.verification.ok or run.tally.errors:
        raise SystemExit(1)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.users, not args.no_write))


if __name__ == "__main__":
    cli()
