"""Throughput as a fraction of the framework's own limit.

The same server and settings (luukku/serve.py: 2 uvicorn app processes, PostgreSQL, loopback)
serve first bench/trivial_app.py (`GET /ping`, a constant JSON body), then Luukku; closed-loop
virtual users, each one request at a time, for a fixed time per case. Reported: requests a
second and the fraction of the trivial endpoint's, for slot searches and bookings of a typical
service (6 experts, 14 days) and a large one (50 experts, 30 days), on bench/slots.py's data.
Bookings take distinct (start on an even hour, expert) pairs the slot list offered, so they rarely
collide; only 201s count.

The load generator runs on the same machine: for the trivial endpoint it is part of the limit,
so the fractions are if anything flattering. `python -m bench.ratio` writes its section of
docs/performance.md. PostgreSQL: `BENCH_LOAD_POSTGRES_URL`, as bench/load.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.load import (
    DEFAULT_POSTGRES_URL,
    LARGE,
    TYPICAL,
    ZONE,
    booking_body,
    free_port,
    prepare,
    search_path,
    served,
    server_env,
)
from bench.report import machine_line, record_figures, write_section
from bench.slots_world import service_slug
from luukku.serve import Profile

USERS = 16
SECONDS = 10.0
TARGETS = {"search": 0.20, "book": 0.05}
"""Fractions of the trivial endpoint's throughput the typical service must reach."""


@dataclass(frozen=True, slots=True)
class Measured:
    label: str
    per_second: float
    statuses: Counter[int]


async def closed_loop(
    base_url: str,
    label: str,
    request: Callable[[httpx.AsyncClient], Any],
    ok: int,
    seconds: float,
    users: int,
) -> Measured:
    statuses: Counter[int] = Counter()
    deadline = time.monotonic() + seconds

    async def user() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            while time.monotonic() < deadline:
                try:
                    response = await request(client)
                except httpx.HTTPError:
                    statuses[0] += 1
                    continue
                if response is None:
                    return
                statuses[response.status_code] += 1

    began = time.monotonic()
    await asyncio.gather(*(user() for _ in range(users)))
    elapsed = time.monotonic() - began
    measured = Measured(label, statuses[ok] / elapsed, statuses)
    print(f"{label}: {measured.per_second:.0f}/s {dict(statuses)}", flush=True)
    return measured


async def bookable(base_url: str, experts: int) -> list[tuple[str, int]]:
    """(start, expert) pairs on even hours across the horizon, shuffled: they never overlap."""
    first = datetime.now(UTC).astimezone(ZONE).date()
    pairs: list[tuple[str, int]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        for offset in (0, 30, 60):
            start, end = first + timedelta(days=offset), first + timedelta(days=offset + 29)
            response = await client.get(
                f"/api/v1/services/{service_slug(experts)}/slots",
                params={"start": str(start), "end": str(end)},
            )
            response.raise_for_status()
            for slot in response.json()["slots"]:
                starts = datetime.fromisoformat(slot["start"])
                # Two hours apart: a 60-minute booking and its 10-minute buffer never meet.
                if starts.minute == 0 and starts.hour % 2 == 0:
                    pairs += [(slot["start"], expert) for expert in slot["experts"]]
    random.Random(20261126).shuffle(pairs)
    return pairs


async def run_ratio(url: str, seconds: float, users: int) -> list[Measured]:
    results: list[Measured] = []
    env = server_env(url, smtp_port=free_port())  # mail waits in the outbox: no worker here
    trivial = Profile(port=free_port(), web=2, workers=0, app="bench.trivial_app:app")
    async with served(trivial, env) as base_url:
        results.append(
            await closed_loop(base_url, "trivial", lambda c: c.get("/ping"), 200, seconds, users)
        )
    await prepare(url)
    luukku = Profile(port=free_port(), web=2, workers=0)
    async with served(luukku, env) as base_url:
        for experts, days in (TYPICAL, LARGE):
            path = search_path(experts, days)

            async def search(client: httpx.AsyncClient, path: str = path) -> Any:
                return await client.get(path)

            results.append(
                await closed_loop(base_url, f"search {experts}×{days}", search, 200, seconds, users)
            )
        counter = iter(range(10**9))
        for experts, _ in (TYPICAL, LARGE):
            pairs = await bookable(base_url, experts)

            async def book(client: httpx.AsyncClient, pairs=pairs, experts=experts) -> Any:
                if not pairs:
                    return None
                start, expert = pairs.pop()
                body = booking_body(experts, start, next(counter), expert_id=expert)
                return await client.post("/api/v1/bookings", json=body)

            results.append(
                await closed_loop(base_url, f"book {experts}", book, 201, seconds, users)
            )
    return results


def report(results: list[Measured], seconds: float, users: int) -> tuple[str, list[Any]]:
    trivial = results[0].per_second
    lines = [
        f"Run of {datetime.now(UTC).date()} (`python -m bench.ratio`).",
        "",
        f"- {machine_line()} Server, database and load generator share it.",
        f"- 2 uvicorn app processes on PostgreSQL, loopback; {users} closed-loop users for "
        f"{seconds:.0f} s per row. Searches start today; bookings take distinct free (start on "
        "an even hour, expert) pairs from the slot list; only 200s / 201s count.",
        "",
        "| Request | Per second | Of the trivial endpoint | Target (typical service) | Statuses |",
        "|---|--:|--:|--:|---|",
    ]
    figures: list[Any] = [("trivial endpoint req/s", f"{trivial:.0f}", "2 app processes")]
    verdicts = []
    for result in results:
        share = result.per_second / trivial if trivial else 0.0
        kind = result.label.split()[0]
        typical = result.label.startswith(("search 6×", "book 6"))
        target = TARGETS.get(kind) if typical else None
        lines.append(
            f"| {result.label} | {result.per_second:.0f} | {share:.1%} | "
            f"{f'≥ {target:.0%}' if target else ''} | "
            f"{', '.join(f'{s}: {n}' for s, n in sorted(result.statuses.items()))} |"
        )
        if result.label != "trivial":
            figures.append(
                (
                    f"{result.label}: req/s (share of trivial)",
                    f"{result.per_second:.0f} ({share:.1%})",
                    f"≥ {target:.0%}" if target else "",
                )
            )
        if target:
            verdicts.append(
                f"- {result.label}: {share:.1%} of the trivial endpoint, target {target:.0%} "
                + ("met." if share >= target else "**missed**.")
            )
    return "\n".join([*lines, "", *verdicts]), figures


async def main(seconds: float, users: int, write: bool) -> None:
    url = os.environ.get("BENCH_LOAD_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    results = await run_ratio(url, seconds, users)
    section, figures = report(results, seconds, users)
    print(section)
    if write:
        write_section("ratio", section)
        record_figures("ratio", figures)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.users, not args.no_write))


if __name__ == "__main__":
    cli()
