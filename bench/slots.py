"""Slot search benchmark: latency and database queries of `GET /api/v1/services/{slug}/slots`.

Run with `make bench` (`python -m bench.slots`). For SQLite (a fresh `var/bench.sqlite`) and for
PostgreSQL when reachable (`BENCH_POSTGRES_URL`), it builds the schema with the real migrations,
seeds services of 6, 50 and 100 experts whose working hours are about 30 % booked, calls the real
app in-process (no network) and measures latency and queries per request. The results are printed
and written to the generated section of `docs/performance.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import platform
import random
import sqlite3
import statistics
import time as timer
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from piccolo.engine.postgres import PostgresEngine

from app import ALL_TABLES, create_app
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
from bench.slots_world import (
    BOOKED_DAYS,
    BUFFER_AFTER_MINUTES,
    CASES,
    DURATION_MINUTES,
    EXPERT_COUNTS,
    HORIZON_DAYS,
    INTERVAL_MINUTES,
    NOW,
    SEED,
    TARGET_DAYS,
    TARGET_EXPERTS,
    TARGET_P95_MS,
    ZONE,
    Case,
    Seeded,
    seed,
    service_slug,
)
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings

DOC = ROOT / "docs" / "performance.md"
SQLITE_PATH = ROOT / "var" / "bench.sqlite"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench"


WARMUP_REQUESTS = 20
MARK_START = "<!-- bench:slots:start -->"
MARK_END = "<!-- bench:slots:end -->"


# --- counting queries -------------------------------------------------------------------------


# --- schema and data --------------------------------------------------------------------------


def fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


# --- measuring --------------------------------------------------------------------------------


@dataclass
class FullCollections:
    """Full (generation 2) garbage collections and their pauses, via `gc.callbacks`."""

    count: int = 0
    seconds: float = 0.0
    started: float = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self.started = timer.perf_counter()
        else:
            self.count += 1
            self.seconds += timer.perf_counter() - self.started


@dataclass(frozen=True, slots=True)
class CaseResult:
    engine: str
    case: Case
    slots: int
    latencies_ms: list[float]
    queries: list[int]
    db_ms: list[float]
    full_gcs: FullCollections

    @property
    def full_gc_summary(self) -> str:
        if not self.full_gcs.count:
            return "0"
        return (
            f"{self.full_gcs.count} × {self.full_gcs.seconds * 1000 / self.full_gcs.count:.0f} ms"
        )

    def percentile(self, pct: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[pct - 1]

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies_ms)

    @property
    def queries_per_request(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"


def search_params(days: int) -> dict[str, str]:
    first = NOW.astimezone(ZONE).date()
    return {"start": first.isoformat(), "end": (first + timedelta(days=days - 1)).isoformat()}


async def run_case(
    engine_name: str, client: httpx.AsyncClient, counter: QueryCounter, case: Case, requests: int
) -> CaseResult:
    url = f"/api/v1/services/{service_slug(case.experts)}/slots"
    params = search_params(case.days)
    first = await client.get(url, params=params)
    if first.status_code != 200:
        raise RuntimeError(f"{url} answered {first.status_code}: {first.text[:500]}")
    slots = first.json()["slots"]
    seen = {expert for slot in slots for expert in slot["experts"]}
    if len(seen) != case.experts:
        raise RuntimeError(f"{url}: slots name {len(seen)} experts, expected {case.experts}")
    for _ in range(WARMUP_REQUESTS - 1):
        (await client.get(url, params=params)).raise_for_status()

    latencies: list[float] = []
    queries: list[int] = []
    db_seconds: list[float] = []
    full_gcs = FullCollections()
    gc.callbacks.append(full_gcs)
    try:
        for _ in range(requests):
            queries_before, db_before = counter.queries, counter.seconds
            started = timer.perf_counter()
            response = await client.get(url, params=params)
            latencies.append((timer.perf_counter() - started) * 1000)
            queries.append(counter.queries - queries_before)
            db_seconds.append(counter.seconds - db_before)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
    finally:
        gc.callbacks.remove(full_gcs)
    return CaseResult(
        engine=engine_name,
        case=case,
        slots=len(slots),
        latencies_ms=latencies,
        queries=queries,
        db_ms=[seconds * 1000 for seconds in db_seconds],
        full_gcs=full_gcs,
    )


@dataclass
class EngineRun:
    name: str
    version: str
    seeded: Seeded
    results: list[CaseResult]
    statements: list[str]


async def bench_engine(name: str, version: str, url: str, scale: float) -> EngineRun:
    print(f"[{name}] migrating {display_url(url)}", flush=True)
    started = timer.perf_counter()
    await migrate(url)
    engine = engine_from_url(url)
    counter = count_queries(engine)
    bind_tables(engine, ALL_TABLES)
    settings = Settings(database_url=url, demo_mode=True, rate_limits_enabled=False)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
    try:
        seeded = await seed(random.Random(SEED))
        print(
            f"[{name}] seeded {seeded.bookings} bookings "
            f"({seeded.booked_share:.1%} of working hours) in "
            f"{timer.perf_counter() - started:.1f} s",
            flush=True,
        )
        app = create_app(settings, clock=FixedClock(NOW), engine=engine)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            counter.record = True
            target = f"/api/v1/services/{service_slug(TARGET_EXPERTS)}/slots"
            (await client.get(target, params=search_params(TARGET_DAYS))).raise_for_status()
            counter.record = False
            results = []
            for case in CASES:
                requests = max(10, round(case.requests * scale))
                result = await run_case(name, client, counter, case, requests)
                print(
                    f"[{name}] {case.experts:>3} experts × {case.days} days: "
                    f"p95 {result.percentile(95):.1f} ms, "
                    f"{result.queries_per_request} queries/request",
                    flush=True,
                )
                results.append(result)
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()
    return EngineRun(name, version, seeded, results, counter.statements)


# --- report -----------------------------------------------------------------------------------


def results_table(runs: Sequence[EngineRun]) -> str:
    lines = [
        "| Engine | Case | Experts × days | Requests | Slots | p50 ms | p95 ms | p99 ms "
        "| Mean ms | DB ms (mean) | Queries/request | Full GCs |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        for r in run.results:
            lines.append(
                f"| {run.name} | {r.case.label} | {r.case.experts} × {r.case.days} "
                f"| {len(r.latencies_ms)} | {r.slots} | {r.percentile(50):.1f} "
                f"| {r.percentile(95):.1f} | {r.percentile(99):.1f} | {r.mean_ms:.1f} "
                f"| {statistics.fmean(r.db_ms):.1f} | {r.queries_per_request} "
                f"| {r.full_gc_summary} |"
            )
    return "\n".join(lines)


def query_table(runs: Sequence[EngineRun]) -> str:
    counts = sorted({r.case.experts for run in runs for r in run.results if r.case.days == 30})
    lines = [
        "| Engine | " + " | ".join(f"{c} experts" for c in counts) + " | Independent of experts |",
        "|---|" + "--:|" * len(counts) + "---|",
    ]
    for run in runs:
        by_experts = {r.case.experts: r for r in run.results if r.case.days == 30}
        all_counts = {q for r in run.results for q in r.queries}
        lines.append(
            f"| {run.name} | "
            + " | ".join(by_experts[c].queries_per_request for c in counts)
            + f" | {'yes' if len(all_counts) == 1 else 'NO'} |"
        )
    return "\n".join(lines)


def verdicts(runs: Sequence[EngineRun]) -> list[str]:
    lines = []
    for run in runs:
        target = next(
            r for r in run.results if (r.case.experts, r.case.days) == (TARGET_EXPERTS, TARGET_DAYS)
        )
        p95 = target.percentile(95)
        constant = len({q for r in run.results for q in r.queries}) == 1
        met = "met" if p95 < TARGET_P95_MS and constant else "**missed**"
        lines.append(
            f"- {run.name}: target {met} (p95 {p95:.1f} ms for {TARGET_EXPERTS} experts × "
            f"{TARGET_DAYS} days; queries per request "
            f"{'constant' if constant else 'vary with experts'})."
        )
    return lines


def report(runs: Sequence[EngineRun], skipped: Sequence[str], load: float) -> str:
    seeded = runs[0].seeded
    versions = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    versions += [f"PostgreSQL {run.version}" for run in runs if run.name == "PostgreSQL"]
    libraries = ", ".join(
        f"{name} {package_version(name)}"
        for name in ("litestar", "piccolo", "asyncpg", "aiosqlite")
    )
    lines = [
        f"Run of {datetime.now(UTC).date().isoformat()} (`make bench`).",
        "",
        f"- Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs; "
        f"load average {load:.2f} when the run started.",
        f"- Software: {', '.join(versions)}; {libraries}.",
        f"- Data: {seeded.experts} experts, Mon–Fri 08:00–16:00 Europe/Helsinki; services of "
        f"{', '.join(map(str, EXPERT_COUNTS))} experts ({DURATION_MINUTES} min, every "
        f"{INTERVAL_MINUTES} min, {BUFFER_AFTER_MINUTES} min buffer after, horizon "
        f"{HORIZON_DAYS} days); {seeded.bookings} confirmed bookings over the next "
        f"{BOOKED_DAYS} days = {seeded.booked_share:.1%} of working hours booked "
        f"({seeded.reserved_share:.1%} reserved with buffers). Random seed {SEED}, "
        f"now = {NOW.isoformat()}.",
        f"- Each case: {WARMUP_REQUESTS} warm-up requests, then the measured ones, one at a "
        "time; searches start today (local) and span the given number of days.",
    ]
    lines += [f"- {note}" for note in skipped]
    lines += [
        "",
        results_table(runs),
        "",
        "Queries per slot search (30-day range):",
        "",
        query_table(runs),
        "",
        *verdicts(runs),
    ]
    return "\n".join(lines)


INTRO = f"""# Performance

## Slot search

`bench/slots.py` measures the public slot search, `GET /api/v1/services/{{slug}}/slots`, on
the server side: it builds the real app (`create_app`) on a freshly migrated database, seeds
experts with realistic bookings and calls the app in-process through `httpx.ASGITransport`.
Latency therefore covers routing, validation, the database queries, the availability engine
and JSON serialisation, but no network. Every query the engine runs is counted; "DB ms" is
the time spent inside the engine's query methods, "Full GCs" the generation-2 garbage
collections that fell inside the measured requests (count × mean pause).

Rerun with `make bench` (`python -m bench.slots`). SQLite uses a fresh `var/bench.sqlite`;
PostgreSQL uses `BENCH_POSTGRES_URL` (default `{DEFAULT_POSTGRES_URL}`), whose `public` schema
is dropped and recreated, and is skipped when unreachable. The section below is generated;
edit outside the markers.

**Target:** p95 under {TARGET_P95_MS:.0f} ms for {TARGET_EXPERTS} experts × {TARGET_DAYS} days,
and a number of queries per search that does not depend on the number of experts.
"""


def write_doc(section: str) -> None:
    generated = f"{MARK_START}\n{section}\n{MARK_END}"
    text = DOC.read_text() if DOC.exists() else INTRO
    head, found_start, rest = text.partition(MARK_START)
    _, found_end, tail = rest.partition(MARK_END)
    if found_start and found_end:
        text = f"{head}{generated}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{generated}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)


# --- main -------------------------------------------------------------------------------------


async def main(scale: float, write: bool) -> None:
    started = timer.perf_counter()
    load = os.getloadavg()[0]
    # The app's logging config would print one INFO line per request made by the client.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runs = [await bench_engine("SQLite", sqlite3.sqlite_version, fresh_sqlite(), scale)]
    skipped: list[str] = []
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    postgres_version = await prepare_postgres(postgres_url)
    if postgres_version is None:
        skipped.append(f"PostgreSQL skipped: {display_url(postgres_url)} was unreachable.")
    else:
        runs.append(await bench_engine("PostgreSQL", postgres_version, postgres_url, scale))

    section = report(runs, skipped, load)
    print()
    print(section)
    print()
    print(f"Queries of one {TARGET_EXPERTS}-expert search ({runs[0].name}):")
    for statement in runs[0].statements:
        print(f"  - {statement[:160]}")
    if write:
        write_doc(section)
        record_figures(
            "slots",
            [
                (
                    f"{run.name}: {result.case.experts} experts × {result.case.days} days, p95 ms",
                    f"{result.percentile(95):.1f}",
                    f"< {TARGET_P95_MS:.0f} ms (50 × 30)" if result.case.label == "target" else "",
                )
                for run in runs
                for result in run.results
                if result.case.label in ("typical service", "target")
            ],
        )
        print(f"\nwrote {DOC.relative_to(ROOT)} in {timer.perf_counter() - started:.0f} s total")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every case's request count"
    )
    parser.add_argument(
        "--no-doc", action="store_true", help="print only; leave docs/performance.md alone"
    )
    args = parser.parse_args()
    asyncio.run(main(args.scale, write=not args.no_doc))


if __name__ == "__main__":
    cli()
