"""Throughput as a fraction of the framework's own limit, measured with wrk.

One uvicorn process for each app (luukku/serve.py's command with `--workers 1`), PostgreSQL,
loopback, driven by Debian's `wrk` (bench/wrk.py), one app after the other in one run: first
bench/trivial_app.py (hello-world `GET /ping` answering `{"ok": "yes"}`), then Luukku on
bench/slots.py's data (100 experts, about 30 % of working hours booked). Rows:

- slot searches of the typical service (6 experts, 14 days) and a large one (50 experts, 30
  days), `wrk -t2 -c16`;
- the large search one request at a time (`wrk -t1 -c1`), for its p50/p95 over HTTP;
- bookings (`wrk -t2 -c8`) of distinct free (start, expert) pairs the slot list offered on the
  50-expert service, starts 90 minutes apart so they never collide; only 2xx count.

`python -m bench.ratio` writes its section of docs/performance.md and its figures.
PostgreSQL: `BENCH_LOAD_POSTGRES_URL`, as bench/load.py (its `public` schema is recreated).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
from bench.wrk import WrkResult, run_wrk
from luukku.serve import Profile

CONNECTIONS = 16
BOOKING_CONNECTIONS = 8
SECONDS = 10.0
BOOKING_EXPERTS = LARGE[0]
TARGETS = {"search 6×14": 0.20, "search 50×30": 0.05, "book": 0.05}
"""Fractions of the hello-world app's throughput each row must reach."""
ONE_AT_A_TIME_P95_MS = 50.0


async def bookable(base_url: str, experts: int) -> list[tuple[str, int]]:
    """Free (start, expert) pairs across the horizon, shuffled, starts 90 minutes apart from
    08:00 local: a 60-minute booking and its 10-minute buffer never meet the next one."""
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
                local = datetime.fromisoformat(slot["start"]).astimezone(ZONE)
                if (local.hour * 60 + local.minute - 8 * 60) % 90 == 0:
                    pairs += [(slot["start"], expert) for expert in slot["experts"]]
    random.Random(20261126).shuffle(pairs)
    return pairs


async def run_ratio(url: str, seconds: float) -> list[WrkResult]:
    results: list[WrkResult] = []
    env = server_env(url, smtp_port=free_port())  # mail waits in the outbox: no worker here
    trivial = Profile(port=free_port(), web=1, workers=0, app="bench.trivial_app:app")
    async with served(trivial, env) as base_url:
        results.append(
            await run_wrk(
                "hello-world", f"{base_url}/ping", seconds=seconds, connections=CONNECTIONS
            )
        )
    await prepare(url)
    luukku = Profile(port=free_port(), web=1, workers=0)
    async with served(luukku, env) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            for experts, days in (TYPICAL, LARGE):  # one request each first, as a user would
                (await client.get(search_path(experts, days))).raise_for_status()
        for experts, days in (TYPICAL, LARGE):
            results.append(
                await run_wrk(
                    f"search {experts}×{days}",
                    base_url + search_path(experts, days),
                    seconds=seconds,
                    connections=CONNECTIONS,
                )
            )
        results.append(
            await run_wrk(
                f"search {LARGE[0]}×{LARGE[1]}, one at a time",
                base_url + search_path(*LARGE),
                seconds=seconds,
                connections=1,
                threads=1,
            )
        )
        pairs = await bookable(base_url, BOOKING_EXPERTS)
        bodies = [
            json.dumps(booking_body(BOOKING_EXPERTS, start, n, expert_id=expert))
            for n, (start, expert) in enumerate(pairs)
        ]
        results.append(
            await run_wrk(
                f"book ({BOOKING_CONNECTIONS} connections)",
                f"{base_url}/api/v1/bookings",
                seconds=seconds,
                connections=BOOKING_CONNECTIONS,
                bodies=bodies,
            )
        )
    return results


def target_of(label: str) -> float | None:
    return next((t for prefix, t in TARGETS.items() if label.startswith(prefix)), None)


def report(results: list[WrkResult], seconds: float) -> tuple[str, list[Any]]:
    hello = results[0].per_second
    lines = [
        f"Run of {datetime.now(UTC).date()} (`python -m bench.ratio`).",
        "",
        f"- {machine_line()} Servers, PostgreSQL and wrk share it.",
        f"- One uvicorn process per app on PostgreSQL, loopback; `wrk -t2 -c{CONNECTIONS} "
        f"-d{seconds:.0f}s` (bookings `-c{BOOKING_CONNECTIONS}`, the one-at-a-time row `-t1 -c1`). "
        "Searches start today; bookings take distinct free (start, expert) pairs of the "
        f"{BOOKING_EXPERTS}-expert service; only 2xx responses count.",
        "",
        "| Request | 2xx per second | Of hello-world | Target | p50 ms | p95 ms | p99 ms "
        "| Non-2xx | Socket errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    figures: list[Any] = [("hello-world req/s", f"{hello:.0f}", "1 app process, wrk")]
    verdicts = []
    for result in results:
        share = result.per_second / hello if hello else 0.0
        one_at_a_time = "one at a time" in result.label
        target = None if one_at_a_time else target_of(result.label)
        lines.append(
            f"| {result.label} | {result.per_second:.0f} | {share:.1%} | "
            f"{f'≥ {target:.0%}' if target else ''} | {result.p50_ms:.1f} | "
            f"{result.p95_ms:.1f} | {result.p99_ms:.1f} | {result.non_2xx} | "
            f"{result.socket_errors} |"
        )
        if one_at_a_time:
            figures.append(
                (f"{result.label}: p95 ms", f"{result.p95_ms:.1f}", f"< {ONE_AT_A_TIME_P95_MS:.0f}")
            )
            met = result.p95_ms < ONE_AT_A_TIME_P95_MS
            verdicts.append(
                f"- {result.label}: p95 {result.p95_ms:.1f} ms, target "
                f"< {ONE_AT_A_TIME_P95_MS:.0f} ms " + ("met." if met else "**missed**.")
            )
        elif result is not results[0]:
            figures.append(
                (
                    f"{result.label}: req/s (share of hello-world)",
                    f"{result.per_second:.0f} ({share:.1%})",
                    f"≥ {target:.0%}" if target else "",
                )
            )
        if target and result is not results[0]:
            verdicts.append(
                f"- {result.label}: {share:.1%} of hello-world, target {target:.0%} "
                + ("met." if share >= target else "**missed**.")
            )
    return "\n".join([*lines, "", *verdicts]), figures


async def main(seconds: float, write: bool) -> None:
    url = os.environ.get("BENCH_LOAD_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    results = await run_ratio(url, seconds)
    section, figures = report(results, seconds)
    print(section)
    if write:
        write_section("ratio", section)
        record_figures("ratio", figures)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, not args.no_write))


if __name__ == "__main__":
    cli()
