"""Holds benchmark: what 200 live holds among 50 experts add to the slot search.

Run with `make bench` (`python -m bench.holds`). On SQLite (a fresh database) and on PostgreSQL
when reachable (`BENCH_POSTGRES_URL`), it seeds the slot benchmark's data (bench/slots.py:
experts about 30 % booked), then measures `GET /api/v1/services/{50-expert service}/slots` for
two weeks in rounds that alternate between no holds and 200 live holds taken through
`POST /api/v1/holds` from 200 callers (a round releases its holds with DELETE). Alternating
rounds keep the shared machine's drifting load out of the comparison. The target: the search
with holds costs no more than 10 % over the search without.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import sqlite3
import statistics
import time as timer
from dataclasses import dataclass

import httpx
from piccolo.engine.postgres import PostgresEngine

from app import ALL_TABLES, create_app
from bench.harness import display_url, migrate, prepare_postgres
from bench.report import machine_line, record_figures, write_section
from bench.slots import DEFAULT_POSTGRES_URL, fresh_sqlite, search_params
from bench.slots_world import NOW, SEED, TARGET_DAYS, seed, service_slug
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings

EXPERTS = 50
HOLDS = 200
DAYS = TARGET_DAYS
"""The slot benchmark's target case: 50 experts, 30 days."""
ROUNDS = 4
REQUESTS_PER_ROUND = 40
TARGET_OVERHEAD = 0.10


@dataclass
class Run:
    name: str
    without_ms: list[float]
    with_ms: list[float]

    @property
    def overhead(self) -> float:
        return statistics.median(self.with_ms) / statistics.median(self.without_ms) - 1


async def _search_ms(client: httpx.AsyncClient, url: str, params: dict[str, str]) -> list[float]:
    latencies = []
    gc.collect()  # the holds just taken or released leave garbage: not the search's cost
    for _ in range(REQUESTS_PER_ROUND):
        started = timer.perf_counter()
        (await client.get(url, params=params)).raise_for_status()
        latencies.append((timer.perf_counter() - started) * 1000)
    return latencies


async def _take_holds(app: object, client: httpx.AsyncClient, rng: random.Random) -> list[str]:
    """HOLDS live holds of free times, each by its own caller (one hold per caller)."""
    url = f"/api/v1/services/{service_slug(EXPERTS)}/slots"
    slots = (await client.get(url, params=search_params(DAYS))).json()["slots"]
    choices = [(slot["start"], expert) for slot in slots for expert in slot["experts"]]
    rng.shuffle(choices)
    tokens: list[str] = []
    for start, expert in choices:
        if len(tokens) == HOLDS:
            break
        address = f"10.{len(tokens) // 250}.{len(tokens) % 250}.1"
        transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as caller:
            response = await caller.post(
                "/api/v1/holds",
                json={
                    "service": service_slug(EXPERTS),
                    "start": start,
                    "channel": "video",
                    "language": "fi",
                    "expert_id": expert,
                },
            )
        if response.status_code == 201:  # an overlapping choice of the same expert is refused
            tokens.append(response.json()["hold_token"])
    if len(tokens) != HOLDS:
        raise RuntimeError(f"only {len(tokens)} holds could be taken")
    return tokens


async def bench_engine(name: str, url: str) -> Run:
    print(f"[{name}] migrating and seeding {display_url(url)}", flush=True)
    await migrate(url)
    engine = engine_from_url(url)
    bind_tables(engine, ALL_TABLES)
    settings = Settings(
        database_url=url, demo_mode=True, rate_limits_enabled=False, run_worker_in_app=False
    )
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
    run = Run(name, [], [])
    try:
        rng = random.Random(SEED)
        await seed(rng)
        app = create_app(settings, clock=FixedClock(NOW), engine=engine)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        url_path = f"/api/v1/services/{service_slug(EXPERTS)}/slots"
        params = search_params(DAYS)
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            await _search_ms(client, url_path, params)  # warm-up
            for round_number in range(ROUNDS):
                run.without_ms += await _search_ms(client, url_path, params)
                tokens = await _take_holds(app, client, rng)
                run.with_ms += await _search_ms(client, url_path, params)
                for token in tokens:
                    (await client.delete(f"/api/v1/holds/{token}")).raise_for_status()
                print(f"[{name}] round {round_number + 1}/{ROUNDS} done", flush=True)
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()
    print(
        f"[{name}] median {statistics.median(run.without_ms):.1f} ms without holds, "
        f"{statistics.median(run.with_ms):.1f} ms with {HOLDS}: {run.overhead:+.1%}",
        flush=True,
    )
    return run


def report(runs: list[Run], skipped: list[str], machine: str) -> str:
    lines = [
        "## Slot search with live holds (`python -m bench.holds`)",
        "",
        f"{EXPERTS} experts about 30 % booked (the slot benchmark's data), a {DAYS}-day "
        "search (the slot benchmark's target case), "
        f"{ROUNDS} alternating rounds of {REQUESTS_PER_ROUND} requests without holds and with "
        f"{HOLDS} live holds taken through `POST /api/v1/holds` by {HOLDS} callers. Target: "
        f"at most {TARGET_OVERHEAD:.0%} over the search without holds. {machine}",
        "",
        "| Engine | median without holds (ms) | median with 200 holds (ms) | overhead | verdict |",
        "|---|--:|--:|--:|---|",
    ]
    for run in runs:
        verdict = "meets target" if run.overhead <= TARGET_OVERHEAD else "over target"
        lines.append(
            f"| {run.name} | {statistics.median(run.without_ms):.1f} | "
            f"{statistics.median(run.with_ms):.1f} | {run.overhead:+.1%} | {verdict} |"
        )
    lines += ["", *skipped] if skipped else []
    return "\n".join(lines)


async def main(write: bool) -> None:
    machine = machine_line()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runs = [await bench_engine(f"SQLite {sqlite3.sqlite_version}", fresh_sqlite())]
    skipped: list[str] = []
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    version = await prepare_postgres(postgres_url)
    if version is None:
        skipped.append(f"PostgreSQL skipped: {display_url(postgres_url)} was unreachable.")
    else:
        runs.append(await bench_engine(f"PostgreSQL {version}", postgres_url))
    section = report(runs, skipped, machine)
    print(section)
    if write:
        write_section("holds", section)
        record_figures(
            "holds",
            [
                (
                    f"{run.name}: slot search with {HOLDS} live holds ({EXPERTS} experts)",
                    f"{run.overhead:+.1%}",
                    f"≤ +{TARGET_OVERHEAD:.0%} over none",
                )
                for run in runs
            ],
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    asyncio.run(main(write=not parser.parse_args().no_doc))


if __name__ == "__main__":
    cli()
