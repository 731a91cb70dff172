"""The periodic-job runner behind `litestar worker` and the in-app worker.

Each job is an async function of `now`, run once in every slot of its interval (slots are
aligned to the epoch: `every` = 1 minute gives 08:00:00, 08:01:00, …) however many processes
run it: before running, a runner inserts the claim `(job, slot start)` into `job_run`, whose
pair is unique, and only the runner whose insert went in runs the job. A failing run is logged
and the job runs again next slot. A run that lasts longer than its interval can overlap the
next slot's run in another process, so jobs must still be safe to run side by side (they claim
rows or take locks themselves).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from luukku.clock import Clock
from luukku.tables import JobRun

logger = logging.getLogger(__name__)

CLAIMS_KEPT_FOR = timedelta(days=2)
"""Claims older than this are deleted by the runner that claims a slot of the same job."""
WORKER_TICK = timedelta(seconds=5)
"""How often a runner looks for due jobs: the finest interval a job can have."""


def _runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], Awaitable[object]]


def slot_start(now: datetime, every: timedelta) -> int:
    """The start of the slot `now` falls in, in seconds since the epoch."""
    step = max(1, int(every.total_seconds()))
    seconds = int(now.timestamp())
    return seconds - seconds % step


async def claim_slot(job: PeriodicJob, now: datetime, runner: str | None = None) -> bool:
    """Claim `job`'s current slot; True for exactly one caller per slot, in any process."""
    start = slot_start(now, job.every)
    runner = (runner or _runner_name())[:200]
    inserted = (
        await JobRun.insert(JobRun(job=job.name, tick_start=start, claimed_at=now, runner=runner))
        .on_conflict(target=(JobRun.job, JobRun.tick_start), action="DO NOTHING")
        .returning(JobRun.id)
    )
    if inserted:
        cutoff = start - int(CLAIMS_KEPT_FOR.total_seconds())
        await JobRun.delete().where((JobRun.job == job.name) & (JobRun.tick_start < cutoff))
    return bool(inserted)


async def run_due(
    jobs: Sequence[PeriodicJob], now: datetime, runner: str | None = None
) -> list[str]:
    """One tick: run every job whose current slot no runner has claimed yet; their names."""
    ran: list[str] = []
    for job in jobs:
        try:
            if not await claim_slot(job, now, runner):
                continue
        except Exception:  # the database is away: try again next tick
            logger.exception("could not claim periodic job %s", job.name)
            continue
        ran.append(job.name)
        try:
            await job.run(now)
        except Exception:  # a job's failure must not stop the others
            logger.exception("periodic job %s failed", job.name)
    return ran


async def run_forever(
    jobs: Sequence[PeriodicJob], clock: Clock, tick: timedelta = WORKER_TICK
) -> None:
    while True:
        await run_due(jobs, clock.now())
        await asyncio.sleep(tick.total_seconds())
