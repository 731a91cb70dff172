"""Expert directory benchmark: `GET /api/v1/experts?q=` over 2,000 active experts (and 200
retired ones) with bios in Finnish, Swedish and English.

Run with `python -m bench.directory` (also part of `make bench`). For SQLite (a fresh
`var/bench-directory.sqlite`) and PostgreSQL when reachable (`BENCH_DIRECTORY_POSTGRES_URL`), it
builds the schema with the real migrations, seeds the directory, calls the real app in-process
(no network) with inflected words in fi/sv/en, and writes the figures to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sqlite3
import statistics
import time as timer
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from piccolo.engine.postgres import PostgresEngine

from app import ALL_TABLES, create_app
from bench.harness import display_url, migrate, prepare_postgres
from bench.report import machine_line, record_figures, write_section
from booking.tables import Service
from calendars.directory_search.index import refresh_expert_documents
from calendars.directory_search.tables import ExpertBio, Topic
from calendars.tables import Agency, Expert
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench-directory.sqlite"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/luukku_bench_directory"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
AGENCIES, EXPERTS, RETIRED = 10, 2000, 200
WARM_UP, REQUESTS = 20, 200
TARGET_P95_MS = 20.0
SEED = 20261203
TOPICS = (
    ("taxation", "Verotus", "Beskattning", "Taxation", "verotuksessa", "beskattningen", "taxes"),
    ("funding", "Rahoitus", "Finansiering", "Funding", "rahoituksen", "finansieringen", "loans"),
    ("permits", "Luvat", "Tillstånd", "Permits", "lupien", "tillstånden", "permits"),
    (
        "recruiting",
        "Rekrytointi",
        "Rekrytering",
        "Recruiting",
        "rekrytoinnissa",
        "rekryteringen",
        "hiring",
    ),
    ("premises", "Toimitilat", "Lokaler", "Premises", "toimitilojen", "lokalerna", "premises"),
    (
        "starting",
        "Perustaminen",
        "Grundande",
        "Starting",
        "perustamisessa",
        "grundandet",
        "starting",
    ),
    ("export", "Vienti", "Export", "Export", "viennissä", "exporten", "exports"),
    ("benefits", "Etuudet", "Förmåner", "Benefits", "etuuksista", "förmånerna", "benefits"),
)
QUERIES = (
    "verotukseen",
    "veroja",
    "beskattningen",
    "rahoitusta",
    "finansiering",
    "luvista",
    "tillstånd",
    "rekrytointi",
    "lokaler",
    "viennin",
    "loans",
    "etuudet yrittäjälle",
)


async def seed(rng: random.Random) -> None:
    agencies = []
    for number in range(AGENCIES):
        rows = await Agency.insert(
            Agency(
                slug=f"agency-{number}",
                name_fi=f"Virasto {number}",
                name_sv=f"Myndighet {number}",
                name_en=f"Agency {number}",
            )
        ).returning(Agency.id)
        agency = int(rows[0]["id"])
        agencies.append(agency)
        await Topic.insert(
            *(
                Topic(agency=agency, slug=t[0], name_fi=t[1], name_sv=t[2], name_en=t[3])
                for t in TOPICS
            )
        )
        await Service.insert(
            *(
                Service(
                    slug=f"{t[0]}-{number}",
                    agency=agency,
                    name_fi=t[1],
                    name_sv=t[2],
                    name_en=t[3],
                    duration_minutes=60,
                    channels=["phone"],
                    languages=["fi", "sv", "en"],
                    topics=[t[0]],
                )
                for t in TOPICS
            )
        )
    for start in range(0, EXPERTS + RETIRED, 500):
        experts, bios = [], []
        for number in range(start, min(start + 500, EXPERTS + RETIRED)):
            topics = rng.sample(TOPICS, 2)
            experts.append(
                Expert(
                    agency=rng.choice(agencies),
                    name=f"Asiantuntija {number}",
                    email=f"expert{number}@bench.invalid",
                    languages=["fi", "sv", "en"],
                    channels=["phone", "video"],
                    topics=[t[0] for t in topics],
                    active=number < EXPERTS,
                )
            )
            bios.append(topics)
        rows = await Expert.insert(*experts).returning(Expert.id)
        await ExpertBio.insert(
            *(
                ExpertBio(
                    expert=row["id"],
                    bio_fi=f"Autan yrittäjiä {a[4]} ja {b[4]}. Kokemusta {rng.randint(2, 20)} v.",
                    bio_sv=f"Jag hjälper företagare med {a[5]} och {b[5]}.",
                    bio_en=f"I help entrepreneurs with {a[6]} and {b[6]}.",
                )
                for row, (a, b) in zip(rows, bios, strict=True)
            )
        )
    ids = [row["id"] for row in await Expert.select(Expert.id)]
    await refresh_expert_documents(ids)


@dataclass(frozen=True, slots=True)
class Run:
    engine: str
    version: str
    found: float
    latencies_ms: list[float]

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
        await seed(random.Random(SEED))
        settings = Settings(
            database_url=url, demo_mode=True, run_worker_in_app=False, rate_limits_enabled=False
        )
        app = create_app(settings, clock=FixedClock(NOW), engine=engine)
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            for number in range(WARM_UP):
                response = await client.get(
                    "/api/v1/experts", params={"q": QUERIES[number % len(QUERIES)]}
                )
                response.raise_for_status()
            latencies, found = [], []
            for number in range(REQUESTS):
                params = {"q": QUERIES[number % len(QUERIES)]}
                if number % 4 == 3:
                    params["topic"] = TOPICS[number % len(TOPICS)][0]
                started = timer.perf_counter()
                response = await client.get("/api/v1/experts", params=params)
                latencies.append((timer.perf_counter() - started) * 1000)
                response.raise_for_status()
                found.append(len(response.json()["experts"]))
        return Run(name, version, statistics.fmean(found), latencies)
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.close_connection_pool()


def report(runs: list[Run], skipped: list[str]) -> str:
    lines = [
        f"Run of {datetime.now(UTC).date()} (`python -m bench.directory`). {machine_line()}",
        "",
        f"- Data: {EXPERTS:,} active and {RETIRED} retired experts in {AGENCIES} agencies, two "
        f"named topics each of {len(TOPICS)}, a bio in fi/sv/en (random seed {SEED}).",
        f"- {WARM_UP} warm-up requests, then {REQUESTS} measured one at a time, in-process: "
        f"`GET /api/v1/experts?q=` with inflected words ({', '.join(QUERIES[:4])}, …), every "
        "fourth with a topic filter; at most 50 experts answered.",
        "",
        "| Engine | Experts answered (mean) | p50 ms | p95 ms | p99 ms | Mean ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.engine} {run.version} | {run.found:.1f} | {run.quantile(0.5):.1f} "
            f"| {run.quantile(0.95):.1f} | {run.quantile(0.99):.1f} "
            f"| {statistics.fmean(run.latencies_ms):.1f} |"
        )
    lines.append("")
    for run in runs:
        p95 = run.quantile(0.95)
        verdict = "met" if p95 < TARGET_P95_MS else "**missed**"
        lines.append(
            f"- {run.engine}: target p95 < {TARGET_P95_MS:.0f} ms {verdict} (p95 {p95:.1f} ms)."
        )
    lines += [f"- {note}" for note in skipped]
    return "\n".join(lines)


INTRO = f"""## Expert directory search

`bench/directory.py` measures `GET /api/v1/experts?q=`: PostgreSQL's generated `tsvector`
(finnish/swedish/english) with a GIN index, SQLite's FTS5 table of Snowball stems; both rank
the matches (topic first) and load the shown experts in a fixed number of queries.

**Target:** p95 under {TARGET_P95_MS:.0f} ms with {EXPERTS:,} experts.
"""


def fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


async def main(write: bool) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runs = [await bench_engine("SQLite", sqlite3.sqlite_version, fresh_sqlite())]
    skipped = []
    url = os.environ.get("BENCH_DIRECTORY_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    version = await prepare_postgres(url)
    if version is None:
        skipped.append(f"PostgreSQL skipped: {display_url(url)} was unreachable.")
    else:
        runs.append(await bench_engine("PostgreSQL", version, url))
    section = report(runs, skipped)
    print(section)
    if write:
        write_section("directory", f"{INTRO}\n{section}")
        record_figures(
            "directory",
            [
                (
                    f"{run.engine}: directory search, 2,000 experts, p95 ms",
                    f"{run.quantile(0.95):.1f}",
                    f"< {TARGET_P95_MS:.0f} ms",
                )
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
