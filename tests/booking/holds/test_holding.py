"""Holds: a chosen time kept for one caller, refused to everyone else, free again on expiry."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar

from app import create_app
from booking.tables import Booking, Reservation
from luukku.clock import FixedClock
from luukku.settings import Settings
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.booking.bookings.test_reservations import (  # noqa: F401 (a fixture)
    HELSINKI,
    overlapping_reservations,
    two_app_processes,
)
from tests.conftest import NOW

START = "2026-11-24T10:00:00+02:00"
SLOTS = "/api/v1/services/funding-advice/slots?start=2026-11-24&end=2026-11-24"


def hold_body(start: str = START, **overrides: object) -> dict[str, object]:
    return {"service": "funding-advice", "start": start, "channel": "video", "language": "fi"} | (
        overrides
    )


def caller(app: Litestar, address: str) -> httpx.AsyncClient:
    """A client of `app` calling from `address` (one hold per API caller is per address)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def starts(client: httpx.AsyncClient) -> list[str]:
    return [slot["start"] for slot in (await client.get(SLOTS)).json()["slots"]]


@pytest.fixture
async def one_expert(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency, buffer_after=10)
    return expert


async def test_a_hold_answers_an_opaque_token_and_hides_the_time_from_the_slot_search(
    client: httpx.AsyncClient, one_expert: int
):
    assert "2026-11-24T10:00:00+02:00" in await starts(client)
    response = await client.post("/api/v1/holds", json=hold_body())
    assert response.status_code == 201, response.text
    held = response.json()
    assert held["expert"] == {"id": one_expert, "name": "Anna Asiantuntija"} or (
        held["expert"]["id"] == one_expert
    )
    assert held["expires_at"].startswith("2026-11-23T08:05:00")
    token = held["hold_token"]
    assert len(token) >= 40
    assert "funding" not in token
    assert "2026" not in token
    assert str(one_expert) != token
    assert "2026-11-24T10:00:00+02:00" not in await starts(client)
    [row] = await Reservation.select(Reservation.hold, Reservation.expires_at)
    assert row["hold"] is not None
    assert row["expires_at"] == NOW + timedelta(minutes=5)


async def test_forty_concurrent_holds_of_one_time_give_exactly_one_201(
    app: Litestar, one_expert: int
):
    clients = [caller(app, f"10.0.0.{n}") for n in range(1, 41)]
    try:
        responses = await asyncio.gather(
            *(http.post("/api/v1/holds", json=hold_body()) for http in clients)
        )
    finally:
        for http in clients:
            await http.aclose()
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 39}
    assert await Reservation.count() == 1
    assert await overlapping_reservations() == []


async def test_a_hold_racing_a_booking_of_the_same_time_lets_exactly_one_win(
    app: Litestar, one_expert: int
):
    async with caller(app, "10.0.0.1") as holder, caller(app, "10.0.0.2") as booker:
        for day in (24, 25, 26):
            start = f"2026-11-{day}T10:00:00+02:00"
            hold, booking = await asyncio.gather(
                holder.post("/api/v1/holds", json=hold_body(start)),
                booker.post("/api/v1/bookings", json=booking_body(start)),
            )
            assert sorted((hold.status_code, booking.status_code)) == [201, 409], (
                start,
                hold.text,
                booking.text,
            )
            # The holder's next hold releases this one: keep each round's winner apart.
            if hold.status_code == 201:
                await holder.delete(f"/api/v1/holds/{hold.json()['hold_token']}")
    assert await overlapping_reservations() == []


async def test_a_held_time_is_booked_only_with_its_token(
    client: httpx.AsyncClient, one_expert: int
):
    token = (await client.post("/api/v1/holds", json=hold_body())).json()["hold_token"]
    without = await client.post("/api/v1/bookings", json=booking_body(START))
    assert without.status_code == 409
    assert without.headers["content-type"].startswith("application/problem+json")
    wrong = await client.post("/api/v1/bookings", json=booking_body(START, hold_token="x" * 43))
    assert wrong.status_code == 409
    booked = await client.post("/api/v1/bookings", json=booking_body(START, hold_token=token))
    assert booked.status_code == 201, booked.text
    assert booked.json()["expert"]["id"] == one_expert
    # The hold is used up: its row became the booking's, and the token books nothing more.
    rows = await Reservation.select(Reservation.booking, Reservation.hold)
    assert [(r["booking"] is not None, r["hold"]) for r in rows] == [(True, None)]
    again = await client.post("/api/v1/bookings", json=booking_body(START, hold_token=token))
    assert again.status_code == 409
    assert await overlapping_reservations() == []


async def test_a_hold_books_only_the_time_it_holds(client: httpx.AsyncClient, one_expert: int):
    token = (await client.post("/api/v1/holds", json=hold_body())).json()["hold_token"]
    other = booking_body("2026-11-24T11:00:00+02:00", hold_token=token)
    response = await client.post("/api/v1/bookings", json=other)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "hold_token"


async def test_any_expert_holds_the_expert_chosen_and_booking_keeps_them(
    client: httpx.AsyncClient, db: None
):
    agency = await make_agency()
    experts = [await make_expert(agency, f"Expert {n}") for n in range(3)]
    await make_service(agency)
    held = (await client.post("/api/v1/holds", json=hold_body())).json()
    assert held["expert"]["id"] in experts
    # Others book the remaining experts at that time; the hold keeps its own.
    for _ in range(2):
        assert (await client.post("/api/v1/bookings", json=booking_body(START))).status_code == 201
    assert (await client.post("/api/v1/bookings", json=booking_body(START))).status_code == 409
    body = booking_body(START, hold_token=held["hold_token"], expert_id=None)
    booked = await client.post("/api/v1/bookings", json=body)
    assert booked.status_code == 201
    assert booked.json()["expert"]["id"] == held["expert"]["id"]
    assert await overlapping_reservations() == []


async def test_one_caller_holds_one_time_a_new_hold_releases_the_previous(
    client: httpx.AsyncClient, one_expert: int
):
    first = await client.post("/api/v1/holds", json=hold_body())
    second = await client.post("/api/v1/holds", json=hold_body("2026-11-24T13:00:00+02:00"))
    assert (first.status_code, second.status_code) == (201, 201)
    free = await starts(client)
    assert "2026-11-24T10:00:00+02:00" in free
    assert "2026-11-24T13:00:00+02:00" not in free
    assert await Reservation.count() == 1


async def test_releasing_a_hold_frees_the_time_at_once(client: httpx.AsyncClient, one_expert: int):
    token = (await client.post("/api/v1/holds", json=hold_body())).json()["hold_token"]
    assert (await client.delete(f"/api/v1/holds/{token}")).status_code == 204
    assert "2026-11-24T10:00:00+02:00" in await starts(client)
    assert (await client.delete(f"/api/v1/holds/{token}")).status_code == 404
    assert (await client.post("/api/v1/bookings", json=booking_body(START))).status_code == 201


async def test_holding_a_taken_or_invalid_time_is_refused_with_the_field(
    client: httpx.AsyncClient, one_expert: int
):
    assert (await client.post("/api/v1/bookings", json=booking_body(START))).status_code == 201
    taken = await client.post("/api/v1/holds", json=hold_body())
    assert taken.status_code == 409
    past = await client.post("/api/v1/holds", json=hold_body("2026-11-20T10:00:00+02:00"))
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "start"
    unknown = await client.post("/api/v1/holds", json=hold_body(service="nope"))
    assert unknown.status_code == 404


@pytest.fixture
async def one_minute_holds(
    settings: Settings, clock: FixedClock, engine: object, one_expert: int
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, hold_minutes=1), clock=clock, engine=engine)  # type: ignore[arg-type]
    async with caller(app, "10.0.0.9") as http:
        yield http


async def test_with_hold_minutes_1_the_time_returns_to_the_search_by_itself_after_a_minute(
    one_minute_holds: httpx.AsyncClient, clock: FixedClock
):
    http = one_minute_holds
    token = (await http.post("/api/v1/holds", json=hold_body())).json()["hold_token"]
    clock.current = NOW + timedelta(seconds=59)
    assert "2026-11-24T10:00:00+02:00" not in await starts(http)
    clock.current = NOW + timedelta(minutes=1)
    # No job has run: the expired row is still there, and holds nothing.
    assert await Reservation.count() == 1
    assert "2026-11-24T10:00:00+02:00" in await starts(http)
    # Anyone may book it now; the writer clears the expired row under the lock.
    async with caller(http._transport.app, "10.0.0.10") as other:  # type: ignore[attr-defined]
        booked = await other.post("/api/v1/bookings", json=booking_body(START))
    assert booked.status_code == 201
    late = await http.post("/api/v1/bookings", json=booking_body(START, hold_token=token))
    assert late.status_code == 409
    rows = await Reservation.select(Reservation.booking)
    assert len(rows) == 1
    assert rows[0]["booking"] is not None
    assert await Booking.count() == 1
    assert await overlapping_reservations() == []


async def test_an_expired_hold_may_be_taken_again_by_another_caller(
    one_minute_holds: httpx.AsyncClient, clock: FixedClock
):
    assert (await one_minute_holds.post("/api/v1/holds", json=hold_body())).status_code == 201
    clock.current = NOW + timedelta(minutes=2)
    async with caller(one_minute_holds._transport.app, "10.0.0.11") as other:  # type: ignore[attr-defined]
        assert (await other.post("/api/v1/holds", json=hold_body())).status_code == 201
    assert await Reservation.count() == 1


def _weekday_ten_oclock(days_ahead: int) -> str:
    """A weekday 10.00 in Helsinki `days_ahead` from today (app processes read the real clock)."""
    day = datetime.now(UTC).astimezone(HELSINKI).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time().replace(hour=10), HELSINKI).isoformat()


def _from(address: str) -> httpx.AsyncClient:
    """A real HTTP client whose connections leave from `address` (a distinct API caller)."""
    return httpx.AsyncClient(timeout=60, transport=httpx.AsyncHTTPTransport(local_address=address))


@pytest.mark.slow
async def test_forty_holds_across_two_app_processes_give_exactly_one_winner(
    two_app_processes: list[str],  # noqa: F811 (the fixture, imported)
    one_expert: int,
):
    body = hold_body(_weekday_ten_oclock(7))
    clients = [_from(f"127.0.0.{n}") for n in range(2, 42)]
    try:
        responses = await asyncio.gather(
            *(
                http.post(f"{two_app_processes[n % 2]}/api/v1/holds", json=body)
                for n, http in enumerate(clients)
            )
        )
    finally:
        for http in clients:
            await http.aclose()
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 39}, [r.text for r in responses if r.status_code >= 500][:3]
    assert await overlapping_reservations() == []


@pytest.mark.slow
async def test_holds_racing_bookings_across_two_app_processes_one_wins_each_time(
    two_app_processes: list[str],  # noqa: F811 (the fixture, imported)
    one_expert: int,
):
    async with _from("127.0.0.2") as http:
        for days in (8, 13, 20):
            start = _weekday_ten_oclock(days)
            hold, booking = await asyncio.gather(
                http.post(f"{two_app_processes[0]}/api/v1/holds", json=hold_body(start)),
                http.post(f"{two_app_processes[1]}/api/v1/bookings", json=booking_body(start)),
            )
            assert sorted((hold.status_code, booking.status_code)) == [201, 409], (
                start,
                hold.text,
                booking.text,
            )
            if hold.status_code == 201:
                token = hold.json()["hold_token"]
                without = await http.post(
                    f"{two_app_processes[1]}/api/v1/bookings", json=booking_body(start)
                )
                assert without.status_code == 409
                with_token = await http.post(
                    f"{two_app_processes[1]}/api/v1/bookings",
                    json=booking_body(start, hold_token=token),
                )
                assert with_token.status_code == 201
    assert await overlapping_reservations() == []
