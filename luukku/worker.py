"""The periodic-job runner behind `litestar worker` and the in-app worker.

Each job is an async function of `now`, run every `every`; a failing run is logged and the
job runs again next tick. Jobs must be safe to run from several processes at once (they claim
rows or take locks themselves), so any number of workers may run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from luukku.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], Awaitable[object]]


async def run_due(
    jobs: Sequence[PeriodicJob], last_run: dict[str, datetime], now: datetime
) -> None:
    """One tick: run every job whose interval has passed since its last run."""
    for job in jobs:
        previous = last_run.get(job.name)
        if previous is not None and now - previous < job.every:
            continue
        last_run[job.name] = now
        try:
            await job.run(now)
        except Exception:  # a job's failure must not stop the others
            logger.exception("periodic job %s failed", job.name)


async def run_forever(
    jobs: Sequence[PeriodicJob], clock: Clock, tick: timedelta = timedelta(seconds=5)
) -> None:
    last_run: dict[str, datetime] = {}
    while True:
        await run_due(jobs, last_run, clock.now())
        await asyncio.sleep(tick.total_seconds())
