"""A video booking's meeting: a room of its own, a personal link for each side, refused once
the booking is cancelled or moved."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest

from booking.video.rooms import read_join_token
from luukku.clock import FixedClock
from luukku.settings import Settings
from staff.accounts import create_staff_user
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_service,
    staff_headers,
)

TEN = "2026-11-24T10:00:00+02:00"
OPEN = datetime(2026, 11, 24, 7, 50, tzinfo=UTC)  # 09:50 Helsinki


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    await create_staff_user(
        email="aino@example.fi",
        password=STAFF_PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    return expert


def _path(url: str) -> str:
    return urlsplit(url).path


async def test_customer_and_expert_each_get_their_own_link_to_one_room(
    client: httpx.AsyncClient, advisor: int, settings: Settings, clock: FixedClock
):
    created = (await client.post("/api/v1/bookings", json=booking_body(TEN))).json()
    aino = await staff_headers(client, "aino@example.fi")
    [mine] = (
        await client.get(
            "/api/v1/staff/me/bookings",
            params={"start": "2026-11-24", "end": "2026-11-24"},
            headers=aino,
        )
    ).json()
    customer = read_join_token(settings, created["video_url"].rsplit("/", 1)[1])
    expert = read_join_token(settings, mine["video_url"].rsplit("/", 1)[1])
    assert customer.room == expert.room
    assert customer.room.startswith("luukku-")
    assert (customer.attendee_id, expert.attendee_id) == ("customer", f"expert-{advisor}")

    clock.current = OPEN
    opened = await client.get(_path(created["video_url"]))
    assert opened.status_code == 303
    assert opened.headers["location"] == f"{settings.video_base_url}/{customer.room}"
    assert (await client.get(_path(mine["video_url"]))).status_code == 303


async def test_moving_or_cancelling_the_booking_retires_its_links(
    client: httpx.AsyncClient, advisor: int, clock: FixedClock
):
    created = (await client.post("/api/v1/bookings", json=booking_body(TEN))).json()
    manage = {"Authorization": f"Bearer {created['manage_token']}"}
    moved = await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-11-24T13:00:00+02:00"},
        headers=manage,
    )
    assert moved.status_code == 200
    clock.current = OPEN
    stale = await client.get(_path(created["video_url"]))
    assert stale.status_code == 410
    assert "moved" in stale.json()["detail"]
    assert (await client.get(_path(moved.json()["video_url"]))).status_code == 403  # not yet

    clock.current = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    await client.post(f"/api/v1/bookings/{created['reference']}/cancel", json={}, headers=manage)
    clock.current = datetime(2026, 11, 24, 10, 50, tzinfo=UTC)
    gone = await client.get(_path(moved.json()["video_url"]))
    assert gone.status_code == 410
    assert gone.json()["detail"] == "This meeting was cancelled."


async def test_a_phone_booking_has_no_meeting(client: httpx.AsyncClient, advisor: int):
    created = (
        await client.post("/api/v1/bookings", json=booking_body(TEN, channel="phone"))
    ).json()
    assert "video_url" not in created
