"""Faults under load, on loopback and bounded in time. PostgreSQL goes away in the middle of
traffic (a TCP proxy in front of it is cut: the machine's server itself is never restarted):
the app answers 503 problem details meanwhile, recovers by itself, and loses no accepted
booking. The other faults are tested where their code lives:
- SMTP down for a while, then delivered once each: tests/notifications/test_delivery.py
  (`test_server_refusing_connections_then_recovering_delivers_each_once`);
- an external calendar that hangs, slot search and booking unaffected:
  tests/calendars/test_external.py (`test_a_hanging_source_does_not_hold_up_…`);
- a notification worker SIGKILLed mid-batch, nothing lost or sent twice:
  tests/notifications/test_workers.py;
- several worker processes running each periodic job once per slot: tests/luukku/test_worker.py."""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from bench.load import served
from booking.tables import Booking
from luukku.serve import Profile
from luukku.settings import Settings
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.tcp_proxy import TcpProxy, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ZONE = ZoneInfo("Europe/Helsinki")


async def _until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Wait until `condition` holds (each phase lasts as many answers as it needs, not a
    fixed time); fail after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"condition not met in {seconds} s")
        await asyncio.sleep(0.02)


async def _until_ready(client: httpx.AsyncClient, path: str) -> None:
    for _ in range(150):
        if (await client.get(path)).status_code == 200:
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"{path} did not answer 200 within 30 s of the database's return")


async def test_database_outage_answers_503_recovers_and_loses_no_booking(
    db: None, settings: Settings, is_postgres: bool
):
    if not is_postgres:
        pytest.skip("the outage is of a PostgreSQL server behind a proxy")
    agency = await make_agency()
    for name in ("Aino Virtanen", "Mikko Laine", "Sara Ek"):
        await make_expert(agency, name)
    await make_service(agency)  # every expert of the agency, horizon 60 days

    parts = urlsplit(settings.database_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    proxied = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    env = {
        **os.environ,
        "DATABASE_URL": proxied,
        "DATABASE_POOL_SIZE": "4",
        "SECRET_KEY": settings.secret_key,
        "DEMO_MODE": "false",
        "RATE_LIMITS_ENABLED": "false",
    }
    first = datetime.now(UTC).astimezone(ZONE).date()
    slots = f"/api/v1/services/funding-advice/slots?start={first}&end={first + timedelta(days=30)}"
    phase = "before"
    seen: Counter[tuple[str, int]] = Counter()
    accepted: list[str] = []
    stopping = asyncio.Event()
    try:
        async with (
            served(Profile(port=free_port(), web=2, workers=0), env) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=30) as client,
        ):
            listed = (await client.get(slots)).json()["slots"]
            starts = [slot["start"] for slot in listed]
            assert starts
            rng = random.Random(8)

            async def user() -> None:
                while not stopping.is_set():
                    started_in = phase
                    if rng.random() < 0.5:
                        body = booking_body(rng.choice(starts))
                        response = await client.post("/api/v1/bookings", json=body)
                    else:
                        response = await client.get(slots)
                    # A request in flight at the cut or at the return (one waiting for a
                    # connection while the database was away) may end either way.
                    during = started_in if phase == started_in else "transition"
                    seen[(during, response.status_code)] += 1
                    if response.status_code == 201:
                        accepted.append(response.json()["reference"])
                    elif response.status_code == 503:
                        assert response.headers["content-type"].startswith(
                            "application/problem+json"
                        )
                        assert response.headers["retry-after"]
                    await asyncio.sleep(0.02)

            def answered(during: str) -> int:
                return sum(n for (when, _), n in seen.items() if when == during)

            users = [asyncio.create_task(user()) for _ in range(4)]
            await _until(lambda: answered("before") >= 20)
            await proxy.cut()
            phase = "down"
            await _until(lambda: answered("down") >= 20)
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.headers["content-type"].startswith("application/problem+json")
            phase = "restoring"  # requests waiting at the return may end either way
            await proxy.restore()
            await _until_ready(client, "/readyz")
            phase = "restored"
            await _until(lambda: answered("restored") >= 20)
            stopping.set()
            await asyncio.gather(*users)
    finally:
        stopping.set()
        await proxy.stop()

    statuses = {status for (_, status) in seen}
    assert 500 not in statuses, seen
    assert seen[("down", 503)] > 0, seen
    assert {status for (p, status) in seen if p == "down"} <= {503}, seen
    assert seen[("restored", 200)] > 0, seen
    assert seen[("restored", 201)] > 0, seen
    stored = await Booking.select(Booking.reference).where(Booking.reference.is_in(accepted))
    assert len(stored) == len(accepted) > 0
