"""The offer job: a freed time goes to the first in line only, is held for them, passes on
when they let it lapse, and is offered exactly once per waiter and time under racing workers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx

from booking.waitlist.offering import claim, make_offers
from booking.waitlist.tables import WaitlistEntry, WaitlistOffer
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.tables import OutboxMessage
from testdata.factories import booking_body
from tests.booking.bookings.test_reservations import overlapping_reservations
from tests.booking.waitlist.conftest import START, bearer, join, join_body
from tests.conftest import NOW

SLOTS = "/api/v1/services/funding-advice/slots?start=2026-11-23&end=2026-11-29"
SLOTS_DEC = "/api/v1/services/funding-advice/slots?start=2026-11-30&end=2026-12-06"


async def offer_letters() -> Counter[tuple[str, str]]:
    rows = await OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.idempotency_key).where(
        OutboxMessage.kind == "waitlist_offer"
    )
    return Counter((row["recipient"], row["idempotency_key"]) for row in rows)


async def status(client: httpx.AsyncClient, joined: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/waitlist/{joined['reference']}", headers=bearer(joined["token"])
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def cancel(client: httpx.AsyncClient, booking: dict[str, Any]) -> None:
    response = await client.post(
        f"/api/v1/bookings/{booking['reference']}/cancel",
        headers=bearer(booking["manage_token"]),
    )
    assert response.status_code == 200, response.text


async def test_a_freed_time_goes_to_the_first_in_line_then_passes_on_when_it_lapses(
    client: httpx.AsyncClient,
    clock: FixedClock,
    settings: Settings,
    full_week: dict[str, Any],
):
    first = await join(client, "Eka Jonottaja", "eka@example.com")
    clock.current = NOW + timedelta(minutes=1)
    second = await join(client, "Toka Jonottaja", "toka@example.com")
    assert await make_offers(settings, clock.now()) == 0  # nothing free yet

    await cancel(client, full_week)
    assert await make_offers(settings, clock.now()) == 1
    offered = await status(client, first)
    assert offered["status"] == "offered"
    assert offered["offer"]["start"] == START
    assert (await status(client, second))["status"] == "waiting"
    # Held for the first in line: gone from the slot search, refused to anyone else.
    assert (await client.get(SLOTS)).json()["slots"] == []
    taken = await client.post("/api/v1/bookings", json=booking_body(START))
    assert taken.status_code == 409
    assert await make_offers(settings, clock.now()) == 0  # one offer per time

    clock.current = NOW + timedelta(minutes=1 + settings.waitlist_offer_minutes)
    assert await make_offers(settings, clock.now()) == 1
    assert (await status(client, second))["status"] == "offered"
    assert (await status(client, first))["status"] == "waiting"  # never that time again

    late = await client.post(
        f"/api/v1/waitlist/{first['reference']}/accept", headers=bearer(first["token"])
    )
    assert late.status_code == 410, late.text
    assert late.headers["content-type"].startswith("application/problem+json")

    accepted = await client.post(
        f"/api/v1/waitlist/{second['reference']}/accept", headers=bearer(second["token"])
    )
    assert accepted.status_code == 201, accepted.text
    booking = accepted.json()
    assert booking["status"] == "confirmed"
    assert booking["start"] == START
    assert booking["manage_token"]
    assert (await status(client, second))["status"] == "booked"
    assert await overlapping_reservations() == []
    assert await offer_letters() == Counter(
        {
            ("eka@example.com", f"waitlist_offer:{first['reference']}:1795507200"): 1,
            ("toka@example.com", f"waitlist_offer:{second['reference']}:1795507200"): 1,
        }
    )


async def test_two_workers_racing_make_one_offer_to_the_first_in_line(
    client: httpx.AsyncClient,
    clock: FixedClock,
    settings: Settings,
    full_week: dict[str, Any],
):
    first = await join(client, "Eka Jonottaja", "eka@example.com")
    clock.current = NOW + timedelta(minutes=1)
    await join(client, "Toka Jonottaja", "toka@example.com")
    await cancel(client, full_week)
    for _ in range(3):  # each worker claims one entry: the second's claim is the second waiter
        made = await asyncio.gather(
            make_offers(settings, clock.now(), batch_size=1),
            make_offers(settings, clock.now(), batch_size=1),
        )
        assert sum(made) <= 1
    assert (await status(client, first))["status"] == "offered"
    assert await WaitlistOffer.count() == 1
    assert list((await offer_letters()).values()) == [1]


async def test_a_worker_killed_after_claiming_leaves_the_entries_to_the_next_after_the_lease(
    client: httpx.AsyncClient,
    clock: FixedClock,
    settings: Settings,
    full_week: dict[str, Any],
):
    first = await join(client, "Eka Jonottaja", "eka@example.com")
    await cancel(client, full_week)
    assert await claim(clock.now(), 50)  # the worker dies here, its claim unfinished
    assert await make_offers(settings, clock.now() + timedelta(minutes=1)) == 0
    later = clock.now() + timedelta(minutes=6)
    made = await asyncio.gather(make_offers(settings, later), make_offers(settings, later))
    assert sorted(made) == [0, 1]
    assert (await status(client, first))["status"] == "offered"
    assert list((await offer_letters()).values()) == [1]


async def test_leaving_the_line_withdraws_the_offer_and_frees_the_time_for_the_next(
    client: httpx.AsyncClient,
    clock: FixedClock,
    settings: Settings,
    full_week: dict[str, Any],
):
    first = await join(client, "Eka Jonottaja", "eka@example.com")
    clock.current = NOW + timedelta(minutes=1)
    second = await join(client, "Toka Jonottaja", "toka@example.com")
    await cancel(client, full_week)
    await make_offers(settings, clock.now())
    left = await client.post(
        f"/api/v1/waitlist/{first['reference']}/cancel", headers=bearer(first["token"])
    )
    assert left.status_code == 200
    assert left.json()["status"] == "cancelled"
    assert left.json()["offer"] is None
    assert await make_offers(settings, clock.now()) == 1
    assert (await status(client, second))["status"] == "offered"


async def test_an_entry_expires_after_its_window(
    client: httpx.AsyncClient, clock: FixedClock, settings: Settings, full_week: dict[str, Any]
):
    joined = await join(client, "Eka Jonottaja", "eka@example.com", latest="2026-11-24")
    await make_offers(settings, NOW + timedelta(days=2))
    assert (await status(client, joined))["status"] == "expired"
    assert await WaitlistEntry.count().where(WaitlistEntry.status == "waiting") == 0


async def test_accepting_from_a_booking_moves_it_earlier_and_frees_its_old_time(
    client: httpx.AsyncClient, settings: Settings, full_week: dict[str, Any]
):
    customer = {"name": "Maija Myöhäinen", "email": "maija@example.com"}
    later = await client.post(
        "/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00", customer=customer)
    )
    assert later.status_code == 201, later.text
    booking = later.json()
    body = join_body("Maija Myöhäinen", "maija@example.com", booking_reference=booking["reference"])
    anonymous = await client.post("/api/v1/waitlist", json=body)
    assert anonymous.status_code == 404  # only the booking's own manage token may move it
    response = await client.post(
        "/api/v1/waitlist", json=body, headers=bearer(booking["manage_token"])
    )
    assert response.status_code == 201, response.text
    joined = response.json()
    await cancel(client, full_week)
    assert await make_offers(settings, NOW) == 1
    accepted = await client.post(
        f"/api/v1/waitlist/{joined['reference']}/accept", headers=bearer(joined["token"])
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["reference"] == booking["reference"]
    assert accepted.json()["start"] == START
    starts = [slot["start"] for slot in (await client.get(SLOTS_DEC)).json()["slots"]]
    assert starts == ["2026-12-01T10:00:00+02:00"]  # the old time, free for the next in line
    assert await overlapping_reservations() == []
    # The booking's history says the system moved it (it was no reschedule of the customer's).
    read = await client.get(
        f"/api/v1/bookings/{booking['reference']}", headers=bearer(booking["manage_token"])
    )
    assert [(e["event"], e["by"]) for e in read.json()["history"]][-1] == ("rescheduled", "system")
