"""The periodic-job runner: each job once per slot of its interval however many runners race
for it (in one process and in several `litestar worker` processes); one failing job does not
stop the others."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from luukku.settings import Settings
from luukku.tables import JobRun
from luukku.worker import CLAIMS_KEPT_FOR, PeriodicJob, run_due

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_jobs_run_at_their_own_interval_and_survive_a_failing_neighbour(
    db: None, caplog: pytest.LogCaptureFixture
):
    runs: list[tuple[str, datetime]] = []

    async def sync(now: datetime) -> None:
        runs.append(("sync", now))

    async def broken(now: datetime) -> None:
        raise RuntimeError("remote calendar down")

    jobs = [
        PeriodicJob("broken", timedelta(minutes=1), broken),
        PeriodicJob("sync", timedelta(minutes=10), sync),
    ]
    for minutes in (0, 5, 10, 15, 20):
        await run_due(jobs, T0 + timedelta(minutes=minutes))
    assert [now for _, now in runs] == [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]
    assert caplog.text.count("periodic job broken failed") == 5


async def test_concurrent_runners_run_each_job_once_per_slot(db: None):
    runs: Counter[tuple[str, datetime]] = Counter()

    def job(name: str, every: timedelta) -> PeriodicJob:
        async def run(now: datetime) -> None:
            await asyncio.sleep(0)  # let the other runners interleave
            runs[(name, now)] += 1

        return PeriodicJob(name, every, run)

    jobs = [
        job("notifications", timedelta(seconds=5)),
        job("external-calendars", timedelta(minutes=1)),
    ]
    ticks = [T0 + timedelta(seconds=5 * i) for i in range(24)]  # two minutes
    for now in ticks:
        ran = await asyncio.gather(*(run_due(jobs, now, runner=f"r{r}") for r in range(8)))
        assert sum(len(names) for names in ran) == (2 if now.second == 0 else 1)
    assert sum(runs.values()) == 24 + 2
    assert set(runs.values()) == {1}
    runners = await JobRun.select(JobRun.runner).where(JobRun.job == "notifications")
    assert len(runners) == 24


async def test_old_claims_are_deleted_by_later_runs(db: None):
    async def nothing(now: datetime) -> None:
        return None

    job = PeriodicJob("retention", timedelta(hours=1), nothing)
    await run_due([job], T0)
    await run_due([job], T0 + CLAIMS_KEPT_FOR + timedelta(hours=1))
    assert await JobRun.count().where(JobRun.job == "retention") == 1


@pytest.mark.slow
def test_several_worker_processes_run_each_slot_once(db: None, settings: Settings, tmp_path: Path):
    log = tmp_path / "runs.log"
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "RUN_WORKER_IN_APP": "false",
        "LUUKKU_TEST_JOB_LOG": str(log),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "litestar", "--app", "tests.worker_app:app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lines = log.read_text().splitlines() if log.exists() else []
            if len(lines) >= 8:
                break
            for worker in workers:
                assert worker.poll() is None, worker.communicate()[1].decode()[-2000:]
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    slots = Counter(line.split()[1] for line in log.read_text().splitlines())
    assert len(slots) >= 8
    assert max(slots.values()) == 1, slots.most_common(3)
