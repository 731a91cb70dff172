"""The periodic-job runner: each job at its own interval; one failing job does not stop others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from luukku.worker import PeriodicJob, run_due

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_jobs_run_at_their_own_interval_and_survive_a_failing_neighbour(
    caplog: pytest.LogCaptureFixture,
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
    last_run: dict[str, datetime] = {}
    for minutes in (0, 5, 10, 15, 20):
        await run_due(jobs, last_run, T0 + timedelta(minutes=minutes))
    assert [now for _, now in runs] == [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]
    assert caplog.text.count("periodic job broken failed") == 5
