"""Choosing a time holds it for the browser: the form says until when, booking uses the hold,
going back gives it back; all without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from booking.holds.tables import Hold
from booking.tables import Booking, Reservation
from tests.frontend.conftest import csrf_token

Client = httpx.AsyncClient
START = "2026-11-24T10:00:00+02:00"
SERVICE = "/services/funding-advice"
CHOICES = {"channel": "video", "language": "fi", "expert": ""}


def _in_utc(start: str) -> str:
    return datetime.fromisoformat(start).astimezone(UTC).isoformat()


async def _week(client: Client) -> httpx.Response:
    return await client.get(
        SERVICE, params={"lang": "fi", "week": "2026-11-23", "channel": "video"}
    )


async def _choose(client: Client, start: str = START) -> httpx.Response:
    page = await _week(client)
    assert f'name="start" value="{_in_utc(start)}"' in page.text
    data = {"_csrf_token": csrf_token(page.text), "start": _in_utc(start), **CHOICES}
    return await client.post(f"{SERVICE}/hold", data=data)


async def test_choosing_a_time_holds_it_and_the_form_says_until_when(
    browser_client: Client, advisor: int
):
    chosen = await _choose(browser_client)
    assert chosen.status_code == 303
    assert chosen.headers["location"].startswith(f"{SERVICE}/book?")
    assert await Hold.count() == 1
    form = await browser_client.get(chosen.headers["location"])
    assert form.status_code == 200
    # The clock stands at 10.00 Helsinki time; holds last five minutes.
    assert "Aika on varattu sinulle klo 10.05 asti." in form.text
    assert form.headers["cache-control"] == "no-store"
    # Everyone else's search no longer offers the time.
    async with httpx.AsyncClient(
        transport=browser_client._transport, base_url="http://testserver"
    ) as other:
        slots = await other.get(
            "/api/v1/services/funding-advice/slots",
            params={"start": "2026-11-24", "end": "2026-11-24", "channel": "video"},
        )
    assert START not in [slot["start"] for slot in slots.json()["slots"]]


async def test_booking_from_the_form_uses_the_hold(browser_client: Client, advisor: int):
    chosen = await _choose(browser_client)
    form = await browser_client.get(chosen.headers["location"])
    data = {
        "_csrf_token": csrf_token(form.text),
        "start": START,
        **CHOICES,
        "name": "Matti Meikäläinen",
        "email": "matti@example.com",
        "privacy": "yes",
    }
    booked = await browser_client.post(f"{SERVICE}/book", data=data)
    assert booked.status_code == 303, booked.text
    assert "/confirmation?token=" in booked.headers["location"]
    assert await Booking.count() == 1
    assert await Hold.count() == 0
    assert [r["hold"] for r in await Reservation.select(Reservation.hold)] == [None]


async def test_going_back_to_the_free_times_releases_the_hold(browser_client: Client, advisor: int):
    await _choose(browser_client)
    assert await Hold.count() == 1
    back = await _week(browser_client)
    assert back.headers["cache-control"] == "no-store"
    assert await Hold.count() == 0
    assert f'name="start" value="{_in_utc(START)}"' in back.text


async def test_choosing_another_time_releases_the_first(browser_client: Client, advisor: int):
    await _choose(browser_client)
    await _choose(browser_client, "2026-11-24T13:00:00+02:00")
    [hold] = await Hold.select(Hold.starts_at)
    assert hold["starts_at"].hour == 11  # 13.00 Helsinki


async def test_a_time_held_by_someone_else_sends_the_chooser_back_with_a_notice(
    browser_client: Client, advisor: int
):
    page = await _week(browser_client)
    token = csrf_token(page.text)
    async with httpx.AsyncClient(
        transport=browser_client._transport, base_url="http://testserver"
    ) as other:
        held = await other.post(
            "/api/v1/holds",
            json={
                "service": "funding-advice",
                "start": START,
                "channel": "video",
                "language": "fi",
            },
        )
    assert held.status_code == 201
    chosen = await browser_client.post(
        f"{SERVICE}/hold", data={"_csrf_token": token, "start": START, **CHOICES}
    )
    assert chosen.status_code == 303
    notice = await browser_client.get(chosen.headers["location"])
    assert re.search(r'role="alert">\s*<p>Joku varasi ajan', notice.text), notice.text[:3000]
