"""Joint-session search benchmark: `POST /api/v1/joint-sessions/search` over 3 agencies × 20
experts, 5 interpreters and 4 rooms across 14 days.

Run with `python -m bench.joint` (also part of `make bench`). For SQLite (a fresh
`var/bench-joint.sqlite`) and PostgreSQL when reachable (`BENCH_JOINT_POSTGRES_URL`), it builds
the schema with the real migrations, seeds the calendars with busy reservations, calls the real
app in-process (no network) as a signed-in clerk, and writes the figures to the generated
section of `docs/performance.md`.
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
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
from piccolo.engine.postgres import PostgresEngine

from app import ALL_TABLES, create_app
from bench.harness import count_queries, display_url, migrate, prepare_postgres
from bench.report import record_figures
from booking.tables import Reservation
from calendars.tables import Agency, Expert, Room, ServicePoint, ServicePointHours, WorkingHours
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings
from staff.accounts import create_staff_user

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
SQLITE_PATH = ROOT / "var" / "bench-joint.sqlite"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench_joint"
MARK_START, MARK_END = "<!-- bench:joint:start -->", "<!-- bench:joint:end -->"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
AGENCIES, EXPERTS_PER_AGENCY, INTERPRETERS, ROOMS, DAYS = 3, 20, 5, 4, 14
WARM_UP, REQUESTS = 10, 100
TARGET_P95_MS = 100.0
BUSY_SHARE = 0.3
SEED = 20261126
PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throw-away bench login


async def _expert(agency: int, name: str, kind: str, languages: list[str]) -> int:
    rows = await Expert.insert(
        Expert(
            agency=agency,
            name=name,
            email=f"{name}@bench.invalid",
            languages=languages,
            channels=["video"],
            topics=["funding"],
            kind=kind,
        )
    ).returning(Expert.id)
    expert_id = int(rows[0]["id"])
    await WorkingHours.insert(
        *(
            WorkingHours(expert=expert_id, weekday=day, start_time=time(8), end_time=time(16))
            for day in range(5)
        )
    )
    return expert_id


def _busy(rng: random.Random, resource: str) -> list[Reservation]:
    """About BUSY_SHARE of each weekday's working hours held, in 30–90 minute pieces."""
    rows = []
    for offset in range(DAYS + 1):
        day = (NOW + timedelta(days=offset)).date()
        if day.weekday() >= 5:
            continue
        minute = 0
        while minute < 8 * 60:
            length = rng.choice((30, 60, 90))
            if rng.random() < BUSY_SHARE:
                start = datetime.combine(day, time(6), UTC) + timedelta(minutes=minute)
                rows.append(
                    Reservation(
                        resource=resource,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=length),
                    )
                )
            minute += length
    return rows


async def seed() -> tuple[list[str], int]:
    rng = random.Random(SEED)
    slugs = []
    reservations: list[Reservation] = []
    for index in range(AGENCIES + 1):
        slug = f"agency-{index}" if index < AGENCIES else "interpreting"
        rows = await Agency.insert(
            Agency(slug=slug, name_fi=slug, name_sv=slug, name_en=slug)
        ).returning(Agency.id)
        agency = int(rows[0]["id"])
        if index < AGENCIES:
            slugs.append(slug)
            for number in range(EXPERTS_PER_AGENCY):
                expert = await _expert(agency, f"{slug}-{number}", "advisor", ["fi"])
                reservations += _busy(rng, f"expert:{expert}")
        else:
            for number in range(INTERPRETERS):
                expert = await _expert(agency, f"tulkki-{number}", "interpreter", ["ar", "fi"])
                reservations += _busy(rng, f"expert:{expert}")
    rows = await ServicePoint.insert(
        ServicePoint(slug="bench-point", name_fi="P", name_sv="P", name_en="P")
    ).returning(ServicePoint.id)
    point = int(rows[0]["id"])
    await ServicePointHours.insert(
        *(
            ServicePointHours(
                service_point=point, weekday=day, start_time=time(8), end_time=time(16)
            )
            for day in range(5)
        )
    )
    for number in range(ROOMS):
        rows = await Room.insert(
            Room(service_point=point, slug=f"room-{number}", name=f"Room {number}")
        ).returning(Room.id)
        reservations += _busy(rng, f"room:{rows[0]['id']}")
    for chunk in range(0, len(reservations), 500):
        await Reservation.insert(*reservations[chunk : chunk + 500])
    await create_staff_user(
        email="clerk@bench.invalid",
        password=PASSWORD,
        name="Clerk",
        roles=["service_point_clerk"],
        service_point_id=point,
    )
    return slugs, len(reservations)


@dataclass(frozen=True, slots=True)
class Run:
    engine: str
    version: str
    reservations: int
    slots: int
    latencies_ms: list[float]
    queries: int

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bench_engine(name: str, version: str, url: str) -> Run:
    await migrate(url)
    engine = engine_from_url(url)
    bind_tables(engine, ALL_TABLES)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        slugs, reservations = await seed()
        settings = Settings(
            database_url=url, demo_mode=True, run_worker_in_app=False, rate_limits_enabled=False
        )
        app = create_app(settings, clock=FixedClock(NOW), engine=engine)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        body: dict[str, Any] = {
            "service_point": "bench-point",
            "agencies": slugs,
            "interpreter_language": "ar",
            "duration_minutes": 60,
            "start": NOW.date().isoformat(),
            "end": (NOW + timedelta(days=DAYS - 1)).date().isoformat(),
        }
        # The app's lifespan as in production: WAL on SQLite, start-up objects frozen out of
        # the collector's full passes.
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            login = await client.post(
                "/api/v1/auth/login", json={"email": "clerk@bench.invalid", "password": PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            slots = 0
            for _ in range(WARM_UP):
                response = await client.post(
                    "/api/v1/joint-sessions/search", json=body, headers=headers
                )
                response.raise_for_status()
                slots = len(response.json()["slots"])
            counter = count_queries(engine)
            latencies = []
            for _ in range(REQUESTS):
                started = timer.perf_counter()
                response = await client.post(
                    "/api/v1/joint-sessions/search", json=body, headers=headers
                )
                latencies.append((timer.perf_counter() - started) * 1000)
                response.raise_for_status()
        return Run(name, version, reservations, slots, latencies, counter.queries // REQUESTS)
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()


def report(runs: list[Run], skipped: list[str], load: float) -> str:
    lines = [
        f"Run of {datetime.now(UTC).date()} (`python -m bench.joint`).",
        "",
        f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs; load average {load:.2f} "
        "when the run started.",
        f"- Data: {AGENCIES} agencies × {EXPERTS_PER_AGENCY} video advisors, {INTERPRETERS} "
        f"Arabic interpreters, {ROOMS} rooms; everyone Mon–Fri 08–16 Helsinki, about "
        f"{BUSY_SHARE:.0%} of it already reserved (random seed {SEED}); the search asks for "
        f"all three agencies and an interpreter, 60 minutes, {DAYS} days from {NOW:%Y-%m-%d}.",
        f"- {WARM_UP} warm-up requests, then {REQUESTS} measured one at a time, in-process.",
        "",
        "| Engine | Reservations | Slots found | p50 ms | p95 ms | p99 ms | Mean ms "
        "| Queries/request |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.engine} {run.version} | {run.reservations} | {run.slots} "
            f"| {run.quantile(0.5):.1f} | {run.quantile(0.95):.1f} | {run.quantile(0.99):.1f} "
            f"| {statistics.fmean(run.latencies_ms):.1f} | {run.queries} |"
        )
    lines.append("")
    for run in runs:
        p95 = run.quantile(0.95)
        verdict = "met" if p95 < TARGET_P95_MS else "**missed**"
        lines.append(f"- {run.engine}: target {verdict} (p95 {p95:.1f} ms).")
    lines += [f"- {note}" for note in skipped]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text()
    generated = f"{MARK_START}\n{section}\n{MARK_END}"
    head, found_start, rest = text.partition(MARK_START)
    _, found_end, tail = rest.partition(MARK_END)
    if found_start and found_end:
        text = f"{head}{generated}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{INTRO}\n{generated}\n"
    DOC.write_text(text)


INTRO = f"""## Joint-session search

`bench/joint.py` measures `POST /api/v1/joint-sessions/search` the same way as the slot search:
the real app on a freshly migrated database, called in-process. Rooms are laid out on the
service point's opening hours (`free_starts`), every expert and interpreter is asked about
those instants (`free_among`), then one free person per agency is proposed; a fixed number of
queries whatever the number of people.

**Target:** p95 under {TARGET_P95_MS:.0f} ms for {AGENCIES} agencies × {EXPERTS_PER_AGENCY}
experts + {INTERPRETERS} interpreters + {ROOMS} rooms across {DAYS} days.
"""


def fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


async def main(write: bool) -> None:
    load = os.getloadavg()[0]
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runs = [await bench_engine("SQLite", sqlite3.sqlite_version, fresh_sqlite())]
    skipped = []
    url = os.environ.get("BENCH_JOINT_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    version = await prepare_postgres(url)
    if version is None:
        skipped.append(f"PostgreSQL skipped: {display_url(url)} was unreachable.")
    else:
        runs.append(await bench_engine("PostgreSQL", version, url))
    section = report(runs, skipped, load)
    print(section)
    if write:
        write_doc(section)
        record_figures(
            "joint",
            [
                (f"{run.engine}: joint search p95 ms", f"{run.quantile(0.95):.1f}", "< 100 ms")
                for run in runs
            ],
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--no-doc", action="store_true", help="print only; leave docs/performance.md alone"
    )
    asyncio.run(main(write=not parser.parse_args().no_doc))


if __name__ == "__main__":
    cli()
