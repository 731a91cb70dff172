"""An app for `litestar --app tests.worker_app:app worker` whose only periodic job logs each run.

Each run appends `runner slot` to the file named by `LUUKKU_TEST_JOB_LOG`; the job's interval
is one second and the runner looks every 0.1 s, so several worker processes race for each slot.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta
from pathlib import Path

from app import create_app
from luukku.worker import PeriodicJob, slot_start

EVERY = timedelta(seconds=1)


async def log_run(now: datetime) -> None:
    log = Path(os.environ["LUUKKU_TEST_JOB_LOG"])
    line = f"{os.getpid()} {slot_start(now, EVERY)}\n"
    await asyncio.to_thread(_append, log, line)


def _append(log: Path, line: str) -> None:
    with log.open("a", encoding="utf-8") as file:
        file.write(line)


app = create_app()
app.state.periodic_jobs = [PeriodicJob("logged", EVERY, log_run)]
app.state.worker_tick = timedelta(seconds=0.1)
