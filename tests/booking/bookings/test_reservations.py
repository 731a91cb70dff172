"""No double booking, ever: concurrent requests in one process and across processes."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from booking.tables import Booking, Reservation
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.app_processes import app_processes

HELSINKI = ZoneInfo("Europe/Helsinki")
REQUESTS = 50


async def overlapping_reservations() -> list[tuple[int, int]]:
    """Pairs of reservations of one resource whose times overlap (must always be empty)."""
    rows = await Reservation.select(
        Reservation.id, Reservation.resource, Reservation.starts_at, Reservation.ends_at
    )
    pairs = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if (
                a["resource"] == b["resource"]
                and a["starts_at"] < b["ends_at"]
                and b["starts_at"] < a["ends_at"]
            ):
                pairs.append((a["id"], b["id"]))
    return pairs


@pytest.fixture
async def one_expert(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency, buffer_after=10)
    return expert


async def test_fifty_concurrent_bookings_of_one_slot_give_one_201_and_49_409(
    client: httpx.AsyncClient, one_expert: int
):
    body = booking_body("2026-11-24T10:00:00+02:00")
    responses = await asyncio.gather(
        *(client.post("/api/v1/bookings", json=body) for _ in range(REQUESTS))
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: REQUESTS - 1}
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.headers["content-type"].startswith("application/problem+json")
    assert await Booking.count() == 1
    assert await Reservation.count() == 1
    assert await overlapping_reservations() == []


async def test_concurrent_overlapping_starts_never_overlap_in_the_database(
    client: httpx.AsyncClient, one_expert: int
):
    # 09:00 .. 12:00 every 30 minutes, each 60 minutes long plus a 10 minute buffer: at most
    # every other start can win, whatever the interleaving.
    starts = [f"2026-11-24T{h:02d}:{m:02d}:00+02:00" for h in (9, 10, 11) for m in (0, 30)]
    responses = await asyncio.gather(
        *(client.post("/api/v1/bookings", json=booking_body(s)) for s in starts * 5)
    )
    assert {r.status_code for r in responses} <= {201, 409}
    assert 1 <= sum(r.status_code == 201 for r in responses) <= 3
    assert await overlapping_reservations() == []


async def test_any_expert_requests_fill_every_expert_then_conflict(
    client: httpx.AsyncClient, db: None
):
    agency = await make_agency()
    experts = [await make_expert(agency, f"Expert {n}") for n in range(3)]
    await make_service(agency)
    body = booking_body("2026-11-24T10:00:00+02:00")
    responses = await asyncio.gather(
        *(client.post("/api/v1/bookings", json=body) for _ in range(12))
    )
    won = [r.json()["expert"]["id"] for r in responses if r.status_code == 201]
    assert sorted(won) == experts
    assert sum(r.status_code == 409 for r in responses) == 9
    assert await overlapping_reservations() == []


@pytest.fixture
def two_app_processes(settings, db: None) -> Iterator[list[str]]:
    """Two separate uvicorn processes serving the test database."""
    with app_processes(settings) as urls:
        yield urls


@pytest.mark.slow
async def test_fifty_bookings_across_two_app_processes_give_exactly_one_winner(
    two_app_processes: list[str], one_expert: int
):
    # The processes read the real clock: book a weekday well inside the horizon.
    day = datetime.now(UTC).astimezone(HELSINKI).date() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, datetime.min.time().replace(hour=10), HELSINKI).isoformat()
    body = booking_body(start)
    async with httpx.AsyncClient(timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(f"{two_app_processes[n % 2]}/api/v1/bookings", json=body)
                for n in range(REQUESTS)
            )
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: REQUESTS - 1}, [
        r.text for r in responses if r.status_code >= 500
    ][:3]
    assert await Booking.count() == 1
    assert await overlapping_reservations() == []


async def test_concurrent_reschedules_of_one_booking_move_it_once(
    client: httpx.AsyncClient, one_expert: int
):
    created = (
        await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    ).json()
    auth = {"Authorization": f"Bearer {created['manage_token']}"}
    targets = [f"2026-11-2{d}T13:00:00+02:00" for d in (5, 6, 7)] * 4
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/bookings/{created['reference']}/reschedule",
                json={"start": target},
                headers=auth,
            )
            for target in targets
        )
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: len(targets) - 1}
    [reservation] = await Reservation.select()
    [booking] = await Booking.select(Booking.starts_at)
    assert reservation["starts_at"] == booking["starts_at"]
