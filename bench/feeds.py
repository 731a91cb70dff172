"""Calendar feed benchmark: latency of `GET /feeds/{token}.ics` for an expert with 5,000 bookings.

Run with `python -m bench.feeds`. For SQLite (a fresh `var/bench-feeds.sqlite`) and for
PostgreSQL when reachable (`BENCH_FEEDS_POSTGRES_URL`), it builds the schema with the real
migrations, inserts the bookings in bulk, calls the real app in-process (no network) and
measures a cold GET (a new app, so nothing cached), a repeated GET, the 304 answers to
If-None-Match and If-Modified-Since, and a GET after a booking changed; for comparison also a
cold GET and a 304 of a typical expert (400 bookings). The results are printed and written to
the generated section of `docs/performance.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import sqlite3
import statistics
import time as timer
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from app import ALL_TABLES, create_app
from bench.feeds_world import NOW, SEED, WORKLOADS, Seeded, fresh_sqlite, seed
from bench.harness import (
    ROOT,
    QueryCounter,
    count_queries,
    display_url,
    migrate,
    package_version,
    prepare_postgres,
)
from bench.report import cpu_model, record_figures
from booking.feeds.contents import (
    FEED_HORIZON,
    FEED_PAST,
    MAX_FEED_BYTES,
    MAX_FEED_EVENTS,
)
from booking.feeds.tokens import issue_feed_token
from booking.tables import Booking
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings

DOC = ROOT / "docs" / "performance.md"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench_feeds"


COLD_REQUESTS = 15
WARM_REQUESTS = 50
NOT_MODIFIED_REQUESTS = 300
CHANGED_REQUESTS = 15
TARGET_COLD_MS = 300.0
TARGET_NOT_MODIFIED_MS = 5.0
MARK_START = "<!-- bench:feeds:start -->"
MARK_END = "<!-- bench:feeds:end -->"


# --- data -------------------------------------------------------------------------------------


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measured:
    label: str
    status: int
    latencies_ms: list[float]
    queries: list[int]

    def percentile(self, pct: int) -> float:
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[pct - 1]

    @property
    def queries_per_request(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


@dataclass(frozen=True, slots=True)
class FeedFacts:
    events: int
    body_bytes: int
    etag: str
    last_modified: str


@dataclass(frozen=True, slots=True)
class WorkloadRun:
    seeded: Seeded
    facts: FeedFacts
    results: list[Measured]


@dataclass
class EngineRun:
    name: str
    version: str
    workloads: list[WorkloadRun]


def feed_app(settings: Settings, engine: Engine) -> Litestar:  # type: ignore[type-arg]
    return create_app(settings, clock=FixedClock(NOW), engine=engine)


@asynccontextmanager
async def client_of(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        yield client


async def timed_get(
    client: httpx.AsyncClient, counter: QueryCounter, url: str, headers: dict[str, str]
) -> tuple[httpx.Response, float, int]:
    queries_before = counter.queries
    started = timer.perf_counter()
    response = await client.get(url, headers=headers)
    elapsed = (timer.perf_counter() - started) * 1000
    return response, elapsed, counter.queries - queries_before


async def repeat(
    label: str,
    client: httpx.AsyncClient,
    counter: QueryCounter,
    url: str,
    requests: int,
    status: int,
    headers: dict[str, str] | None = None,
) -> Measured:
    latencies: list[float] = []
    queries: list[int] = []
    for _ in range(requests):
        response, elapsed, count = await timed_get(client, counter, url, headers or {})
        if response.status_code != status:
            raise RuntimeError(f"{label}: {url} answered {response.status_code}, not {status}")
        latencies.append(elapsed)
        queries.append(count)
    return Measured(label, status, latencies, queries)


async def measure_cold(
    settings: Settings,
    engine: Engine,  # type: ignore[type-arg]
    counter: QueryCounter,
    url: str,
    requests: int,
) -> Measured:
    """A GET on a new app each time: nothing cached, the feed is read and rendered."""
    latencies: list[float] = []
    queries: list[int] = []
    for _ in range(requests):
        async with client_of(feed_app(settings, engine)) as client:
            (await client.get("/healthz")).raise_for_status()  # the app's own first-call costs
            response, elapsed, count = await timed_get(client, counter, url, {})
            if response.status_code != 200:
                raise RuntimeError(f"cold GET answered {response.status_code}")
            latencies.append(elapsed)
            queries.append(count)
    return Measured("cold GET (nothing cached)", 200, latencies, queries)


async def measure_changed(
    client: httpx.AsyncClient, counter: QueryCounter, expert: int, url: str, etag: str
) -> Measured:
    """The old ETag after one booking changed: 200 with the new feed, rendered again. The
    change is stamped a second later each time, still earlier than the latest change."""
    latencies: list[float] = []
    queries: list[int] = []
    row = (
        await Booking.select(Booking.id, Booking.updated_at)
        .where((Booking.expert == expert) & (Booking.starts_at > NOW))
        .order_by(Booking.starts_at)
        .first()
    )
    assert row is not None
    for n in range(1, CHANGED_REQUESTS + 1):
        changed_at = row["updated_at"] + timedelta(seconds=n)
        await Booking.update({Booking.updated_at: changed_at}).where(Booking.id == row["id"])
        response, elapsed, count = await timed_get(client, counter, url, {"If-None-Match": etag})
        if response.status_code != 200 or response.headers["etag"] == etag:
            raise RuntimeError("a changed feed was not served again")
        etag = response.headers["etag"]
        latencies.append(elapsed)
        queries.append(count)
    return Measured("GET with the old ETag after a booking changed", 200, latencies, queries)


async def bench_workload(
    name: str,
    settings: Settings,
    engine: Engine,  # type: ignore[type-arg]
    counter: QueryCounter,
    seeded: Seeded,
) -> WorkloadRun:
    token = await issue_feed_token(seeded.expert, NOW - timedelta(days=100), settings)
    url = f"/feeds/{token}.ics"
    full = seeded.workload.full
    results = [await measure_cold(settings, engine, counter, url, COLD_REQUESTS if full else 5)]
    async with client_of(feed_app(settings, engine)) as client:
        first = await client.get(url)
        first.raise_for_status()
        facts = FeedFacts(
            events=first.content.count(b"BEGIN:VEVENT"),
            body_bytes=len(first.content),
            etag=first.headers["etag"],
            last_modified=first.headers["last-modified"],
        )
        if full:
            results.append(
                await repeat("GET again (feed cached)", client, counter, url, WARM_REQUESTS, 200)
            )
        validators = (("If-None-Match", facts.etag), ("If-Modified-Since", facts.last_modified))
        for header, value in validators if full else validators[:1]:
            results.append(
                await repeat(
                    f"304 to {header}",
                    client,
                    counter,
                    url,
                    NOT_MODIFIED_REQUESTS,
                    304,
                    {header: value},
                )
            )
        if full:
            results.append(await measure_changed(client, counter, seeded.expert, url, facts.etag))
    for result in results:
        print(
            f"[{name}] {seeded.workload.label}, {result.label}: "
            f"p50 {result.percentile(50):.1f} ms, p95 {result.percentile(95):.1f} ms",
            flush=True,
        )
    return WorkloadRun(seeded, facts, results)


async def bench_engine(name: str, version: str, url: str) -> EngineRun:
    print(f"[{name}] migrating {display_url(url)}", flush=True)
    await migrate(url)
    engine = engine_from_url(url)
    counter = count_queries(engine)
    bind_tables(engine, ALL_TABLES)
    settings = Settings(
        database_url=url, demo_mode=True, run_worker_in_app=False, rate_limits_enabled=False
    )
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
    try:
        started = timer.perf_counter()
        seeded = await seed(random.Random(SEED), WORKLOADS)
        print(
            f"[{name}] seeded {sum(s.bookings for s in seeded)} bookings in "
            f"{timer.perf_counter() - started:.1f} s",
            flush=True,
        )
        runs = [await bench_workload(name, settings, engine, counter, one) for one in seeded]
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()
    return EngineRun(name, version, runs)


# --- report -----------------------------------------------------------------------------------


def results_table(runs: Sequence[EngineRun]) -> str:
    lines = [
        "| Engine | Expert | Request | Requests | Status | p50 ms | p95 ms | Max ms "
        "| Queries/request |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        for workload in run.workloads:
            for r in workload.results:
                lines.append(
                    f"| {run.name} | {workload.seeded.workload.label} | {r.label} "
                    f"| {len(r.latencies_ms)} | {r.status} | {r.percentile(50):.1f} "
                    f"| {r.percentile(95):.1f} | {max(r.latencies_ms):.1f} "
                    f"| {r.queries_per_request} |"
                )
    return "\n".join(lines)


def data_lines(runs: Sequence[EngineRun]) -> list[str]:
    lines = []
    for workload in runs[0].workloads:
        seeded, facts = workload.seeded, workload.facts
        lines.append(
            f"- {seeded.workload.label}: {seeded.workload.per_day} a weekday from "
            f"{seeded.workload.days_back} days back ({seeded.cancelled} cancelled); "
            f"{seeded.in_window} in the feed's window ({FEED_PAST.days} days back to "
            f"{FEED_HORIZON.days} ahead), of which the feed holds {facts.events} "
            f"(at most {MAX_FEED_EVENTS} events and {MAX_FEED_BYTES / 1_000_000:.0f} MB): "
            f"{facts.body_bytes / 1000:.0f} kB."
        )
    return lines


def verdicts(runs: Sequence[EngineRun]) -> list[str]:
    lines = []
    for run in runs:
        target = next(w for w in run.workloads if w.seeded.workload.full)
        cold = target.results[0]
        cold_p95 = cold.percentile(95)
        worst_304 = max(r.percentile(95) for r in target.results if r.status == 304)
        lines.append(
            f"- {run.name}, {target.seeded.workload.label}: cold GET "
            f"{'met' if cold_p95 < TARGET_COLD_MS else '**missed**'} (p95 {cold_p95:.1f} ms), "
            f"304 {'met' if worst_304 < TARGET_NOT_MODIFIED_MS else '**missed**'} "
            f"(p95 {worst_304:.1f} ms)."
        )
    return lines


def report(runs: Sequence[EngineRun], skipped: Sequence[str], load: float) -> str:
    versions = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    versions += [f"PostgreSQL {run.version}" for run in runs if run.name == "PostgreSQL"]
    libraries = ", ".join(
        f"{name} {package_version(name)}"
        for name in ("litestar", "piccolo", "icalendar", "asyncpg", "aiosqlite")
    )
    lines = [
        f"Run of {datetime.now(UTC).date().isoformat()} (`python -m bench.feeds`).",
        "",
        f"- Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs; "
        f"load average {load:.2f} when the run started.",
        f"- Software: {', '.join(versions)}; {libraries}.",
        "- Data: one expert per row group, 30-minute bookings in every channel, first name and "
        f"company shown; random seed {SEED}, now = {NOW.isoformat()}.",
        *data_lines(runs),
        "- Cold: a new app for each request (its feed cache empty) after one unmeasured "
        "`/healthz` call; the others on one app, one request at a time. The last row changes "
        "one booking's `updated_at` before each request (to a time earlier than the latest "
        "change) and sends the previous ETag: each must answer 200 with the new feed.",
    ]
    lines += [f"- {note}" for note in skipped]
    lines += ["", results_table(runs), "", *verdicts(runs)]
    return "\n".join(lines)


INTRO = """## Calendar feeds

`bench/feeds.py` measures the iCalendar subscription feed, `GET /feeds/{token}.ics`, in the
same way: the real app on a freshly migrated database, called in-process through
`httpx.ASGITransport`, so latency covers routing, the queries, rendering and hashing the feed,
but no network. A calendar client polls the feed every 15 minutes to a few hours and mostly
gets 304 Not Modified; a cold GET renders the whole feed.

Rerun with `python -m bench.feeds`. SQLite uses a fresh `var/bench-feeds.sqlite`; PostgreSQL
uses `BENCH_FEEDS_POSTGRES_URL` (default `postgresql://postgres@127.0.0.1:5432/luukku_bench_feeds`),
whose `public` schema is dropped and recreated, and is skipped when unreachable. The section
below is generated; edit outside the markers.

**Target:** a cold GET under 300 ms and a 304 under 5 ms (p95) for an expert with 5,000
bookings.

How the feed stays cheap (`booking/feeds/contents.py`): the rendered feed is cached per token
under a fingerprint of what it is made of, read in one aggregate query over the bookings in the
feed's window (count, sum of ids and of sequences, latest `updated_at`, and a change sum: `xmin` on
PostgreSQL, `updated_at` on SQLite), plus the token's own row. A 304 therefore costs two
queries, but the aggregate still visits every booking of the expert in the window: the
`booking` table is indexed on `expert` only. An O(1) check needs a schema change, e.g. a
`bookings_version` on `expert` raised by a trigger on every booking insert, update and delete,
read with the token; the feed would then also have to note when its window next drops or admits
a booking.
"""


def write_doc(section: str) -> None:
    """Replace the generated section between the markers, or append it with its introduction."""
    generated = f"{MARK_START}\n{section}\n{MARK_END}"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    head, found_start, rest = text.partition(MARK_START)
    _, found_end, tail = rest.partition(MARK_END)
    if found_start and found_end:
        text = f"{head}{generated}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{INTRO}\n{generated}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


# --- main -------------------------------------------------------------------------------------


async def main(write: bool) -> None:
    started = timer.perf_counter()
    load = os.getloadavg()[0]
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runs = [await bench_engine("SQLite", sqlite3.sqlite_version, fresh_sqlite())]
    skipped: list[str] = []
    postgres_url = os.environ.get("BENCH_FEEDS_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    postgres_version = await prepare_postgres(postgres_url)
    if postgres_version is None:
        skipped.append(f"PostgreSQL skipped: {display_url(postgres_url)} was unreachable.")
    else:
        runs.append(await bench_engine("PostgreSQL", postgres_version, postgres_url))
    section = report(runs, skipped, load)
    print()
    print(section)
    if write:
        write_doc(section)
        record_figures(
            "feeds",
            [
                (
                    f"{run.name}, {workload.seeded.workload.label}: {result.label}, p95 ms",
                    f"{result.percentile(95):.1f}",
                    "",
                )
                for run in runs
                for workload in run.workloads[:1]
                for result in workload.results
                if result.label.startswith(("cold GET", "304 to If-None-Match"))
            ],
        )
        print(f"\nwrote {DOC.relative_to(ROOT)} in {timer.perf_counter() - started:.0f} s total")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--no-doc", action="store_true", help="print only; leave docs/performance.md alone"
    )
    args = parser.parse_args()
    asyncio.run(main(write=not args.no_doc))


if __name__ == "__main__":
    cli()
