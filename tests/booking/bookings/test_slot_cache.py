"""The availability cache (booking/bookings/slot_cache.py): kept results never go stale, in
this process as time moves on, nor across processes when another one commits a change."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app import create_app
from booking.tables import AvailabilityVersion
from calendars.tables import Absence, WorkingHours
from luukku.clock import FixedClock
from luukku.settings import Settings
from testdata.factories import make_agency, make_expert, make_service
from tests.app_process import app_env, app_processes

ZONE = ZoneInfo("Europe/Helsinki")
EVERY_DAY = tuple((weekday, "08:00", "16:00") for weekday in range(7))


def slots_path(slug: str, first: date, days: int = 1) -> str:
    return f"/api/v1/services/{slug}/slots?start={first}&end={first + timedelta(days=days - 1)}"


async def starts(client: httpx.AsyncClient, path: str) -> list[str]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return [slot["start"] for slot in response.json()["slots"]]


async def test_a_kept_search_narrowed_to_a_later_time_equals_a_fresh_one(
    client: httpx.AsyncClient, app: Any, clock: FixedClock
):
    agency = await make_agency()
    expert = await make_expert(agency, hours=EVERY_DAY)
    await make_service(agency, "advice", experts=[expert], min_notice=120)
    today = clock.now().astimezone(ZONE).date()
    path = slots_path("advice", today, days=2)
    before = await starts(client, path)
    clock.current += timedelta(hours=3, minutes=10)
    cache = app.state["slot_cache"]
    hits = cache.hits
    later = await starts(client, path)
    assert cache.hits == hits + 1  # answered from the kept result
    await cache.close()  # forget it: the same search computed afresh
    assert await starts(client, path) == later
    notice_ends = clock.now() + timedelta(minutes=120)
    assert later == [s for s in before if datetime.fromisoformat(s) >= notice_ends]
    assert len(later) < len(before)


async def test_every_change_to_free_time_raises_its_experts_version(
    client: httpx.AsyncClient, clock: FixedClock
):
    agency = await make_agency()
    expert = await make_expert(agency, hours=EVERY_DAY)
    scope = f"expert:{expert}"

    async def version() -> int:
        row = await AvailabilityVersion.select(AvailabilityVersion.version).where(
            AvailabilityVersion.scope == scope
        )
        return int(row[0]["version"]) if row else 0

    seen = [await version()]
    await Absence(
        expert=expert, starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1)
    ).save()
    seen.append(await version())
    await WorkingHours.update({WorkingHours.end_time: time(15)}).where(
        WorkingHours.expert == expert
    )
    seen.append(await version())
    await Absence.delete().where(Absence.expert == expert)
    seen.append(await version())
    assert seen == sorted(set(seen)), seen  # strictly rising


# --- two processes --------------------------------------------------------------------------


@pytest.fixture
async def two_processes(settings: Settings, db: None) -> AsyncIterator[list[str]]:
    """Two app processes (one uvicorn process each, the real clock) on the test database."""
    async with app_processes(app_env(settings), count=2) as urls:
        yield urls


@pytest.mark.slow
async def test_a_change_committed_in_one_process_shows_in_the_next_search_of_another(
    two_processes: list[str],
):
    """Process A books and cancels, this test process changes absences and working hours;
    each time the very next search in process B, which kept the result, sees the change."""
    agency = await make_agency(observe_holidays=False)
    expert = await make_expert(agency, hours=EVERY_DAY)
    await make_service(agency, "advice", experts=[expert])
    day = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=7)
    path = slots_path("advice", day)
    first, second = two_processes
    async with (
        httpx.AsyncClient(base_url=first, timeout=30) as a,
        httpx.AsyncClient(base_url=second, timeout=30) as b,
    ):
        offered = await starts(b, path)
        assert await starts(b, path) == offered  # kept by B now
        chosen = offered[4]

        booked = await a.post(
            "/api/v1/bookings",
            json={
                "service": "advice",
                "start": chosen,
                "channel": "phone",
                "language": "fi",
                "customer": {"name": "Testi Asiakas", "email": "asiakas@example.com"},
            },
        )
        assert booked.status_code == 201, booked.text
        assert chosen not in await starts(b, path)

        token = booked.json()["manage_token"]
        cancelled = await a.post(
            f"/api/v1/bookings/{booked.json()['reference']}/cancel",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert cancelled.status_code == 200, cancelled.text
        assert await starts(b, path) == offered

        morning = datetime.combine(day, time(8), ZONE).astimezone(UTC)
        await Absence(expert=expert, starts_at=morning, ends_at=morning + timedelta(hours=4)).save()
        after_absence = await starts(b, path)
        assert after_absence
        assert all(datetime.fromisoformat(s) >= morning + timedelta(hours=4) for s in after_absence)

        await Absence.delete().where(Absence.expert == expert)
        await WorkingHours.update({WorkingHours.end_time: time(10)}).where(
            WorkingHours.expert == expert
        )
        after_hours = await starts(b, path)
        closing = morning + timedelta(hours=2)  # 10.00: a 60-minute slot starts by 9.00
        assert after_hours == [
            s for s in offered if datetime.fromisoformat(s) <= closing - timedelta(hours=1)
        ]


REDIS_TEST_URL = "redis://127.0.0.1:6379/3"


async def test_with_redis_a_result_kept_by_one_app_serves_another_until_a_booking(
    settings: Settings, clock: FixedClock, engine: object, db: None
):
    agency = await make_agency(observe_holidays=False)
    expert = await make_expert(agency, hours=EVERY_DAY)
    await make_service(agency, "advice", experts=[expert])
    shared = dataclasses.replace(settings, redis_url=REDIS_TEST_URL)
    apps = [create_app(shared, clock=clock, engine=engine) for _ in range(2)]  # type: ignore[arg-type]
    path = slots_path("advice", clock.now().astimezone(ZONE).date() + timedelta(days=7))
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")  # type: ignore[arg-type]
        for app in apps
    ]
    try:
        offered = await starts(clients[0], path)
        assert await starts(clients[1], path) == offered
        assert apps[1].state["slot_cache"].hits == 1  # kept by the first app, in Redis
        booked = await clients[0].post(
            "/api/v1/bookings",
            json={
                "service": "advice",
                "start": offered[0],
                "channel": "phone",
                "language": "fi",
                "customer": {"name": "Redis Asiakas", "email": "redis@example.com"},
            },
        )
        assert booked.status_code == 201, booked.text
        assert offered[0] not in await starts(clients[1], path)
    finally:
        for client in clients:
            await client.aclose()
        for app in apps:
            await app.state["slot_cache"].close()
