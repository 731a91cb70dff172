"""Read replicas (luukku/replicas.py), for real: a primary and a streaming replica of the
tests' own. With replay paused, a search is served by the stale replica and still offers a
time just booked on the primary; booking it again answers 409 from the primary. Once the
replica lags beyond the allowed seconds, searches read the primary again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from app import ALL_TABLES, create_app
from luukku.clock import SystemClock
from luukku.database import engine_from_url
from luukku.replicas import PrimaryWithReplicas
from luukku.settings import ROOT, Settings
from testdata.factories import make_agency, make_expert, make_service
from tests.replica_cluster import Cluster, available, primary_and_replica

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ZONE = ZoneInfo("Europe/Helsinki")
EVERY_DAY = tuple((weekday, "08:00", "16:00") for weekday in range(7))


@pytest.fixture(scope="module")
def cluster(is_postgres: bool):
    if not is_postgres:
        pytest.skip("replicas are a PostgreSQL feature (the PostgreSQL run tests them)")
    if not available():
        pytest.skip("Debian's PostgreSQL 15 binaries are not installed")
    with primary_and_replica() as running:
        env = {**os.environ, "DATABASE_URL": running.primary_url, "PICCOLO_CONF": "piccolo_conf"}
        subprocess.run(
            [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        yield running


async def seed(cluster: Cluster) -> None:
    engine = engine_from_url(cluster.primary_url)
    for table in ALL_TABLES:
        table._meta.db = engine
    agency = await make_agency(observe_holidays=False)
    expert = await make_expert(agency, hours=EVERY_DAY)
    await make_service(agency, "advice", experts=[expert])


def booking(start: str) -> dict[str, object]:
    return {
        "service": "advice",
        "start": start,
        "channel": "phone",
        "language": "fi",
        "customer": {"name": "Replika Asiakas", "email": "replika@example.com"},
    }


async def test_a_stale_replica_offers_a_taken_time_and_the_primary_refuses_it(cluster: Cluster):
    await seed(cluster)
    settings = Settings(
        database_url=cluster.primary_url,
        replica_database_urls=(cluster.replica_url,),
        replica_max_lag_seconds=3600,
        secret_key="replica-test-secret-that-is-long-enough-for-hs256",
        demo_mode=False,
        run_worker_in_app=False,
        rate_limits_enabled=False,
    )
    app = create_app(settings, clock=SystemClock())
    engine = app.state["engine"]
    assert isinstance(engine, PrimaryWithReplicas)
    day = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=7)
    search = f"/api/v1/services/advice/slots?start={day}&end={day}"
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    await cluster.caught_up()
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://t", timeout=30) as client,
    ):
        offered = [slot["start"] for slot in (await client.get(search)).json()["slots"]]
        assert offered
        await cluster.pause_replay()
        try:
            first = await client.post("/api/v1/bookings", json=booking(offered[0]))
            assert first.status_code == 201, first.text

            stale = [slot["start"] for slot in (await client.get(search)).json()["slots"]]
            assert offered[0] in stale  # the replica has not replayed the booking

            again = await client.post("/api/v1/bookings", json=booking(offered[0]))
            assert again.status_code == 409, again.text  # the primary's check

            engine.max_lag_seconds = 0.5
            await asyncio.sleep(1.5)  # the lag is measured again after a second
            fresh = [slot["start"] for slot in (await client.get(search)).json()["slots"]]
            assert offered[0] not in fresh  # read from the primary
            lag = await engine.lags["replica1"].current(engine.extra_nodes["replica1"])
            assert lag > 0.5
        finally:
            await cluster.resume_replay()
        await cluster.caught_up()
        engine.max_lag_seconds = 3600
        await asyncio.sleep(1.1)
        assert offered[0] not in [
            slot["start"] for slot in (await client.get(search)).json()["slots"]
        ]
