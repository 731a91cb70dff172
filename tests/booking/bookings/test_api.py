"""The public booking API end to end: list, search, book, read, cancel, reschedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from booking.tables import Booking, Reservation
from testdata.factories import booking_body, make_agency, make_expert, make_service

Client = httpx.AsyncClient


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency, buffer_after=10)
    return expert


async def test_service_catalogue_lists_names_in_requested_language(client: Client, advisor: int):
    response = await client.get("/api/v1/services", params={"lang": "sv"})
    assert response.status_code == 200
    [service] = response.json()
    assert service["slug"] == "funding-advice"
    assert service["name"] == "Finansieringsrådgivning"
    assert service["agency"] == {"slug": "city-business", "name": "Näringslivstjänster"}
    assert service["duration_minutes"] == 60


async def test_slots_are_local_times_on_the_grid(client: Client, advisor: int):
    response = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    assert response.status_code == 200, response.text
    slots = response.json()["slots"]
    assert slots[0] == {
        "start": "2026-11-24T09:00:00+02:00",
        "end": "2026-11-24T10:00:00+02:00",
        "experts": [advisor],
    }
    assert slots[-1]["start"] == "2026-11-24T15:00:00+02:00"
    assert len(slots) == 13


async def test_booking_reserves_the_time_and_removes_the_slot(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["status"] == "confirmed"
    assert booking["expert"]["id"] == advisor
    assert booking["start"] == "2026-11-24T10:00:00+02:00"
    # The customer's own link into the meeting room, checked by Luukku when opened.
    assert booking["video_url"].startswith("https://luukku.test/join/")
    assert booking["manage_url"].endswith(booking["manage_token"])

    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    starts = [s["start"][11:16] for s in slots.json()["slots"]]
    # The booking holds 10:00-11:10 (10 minutes of buffer after). A new 09:00 booking would need
    # its own buffer until 10:10, and 11:00 starts inside the held buffer: both are gone.
    assert starts[0] == "11:30"
    assert not {"09:00", "09:30", "10:00", "10:30", "11:00"} & set(starts)
    reservation = await Reservation.select().first()
    assert reservation is not None
    assert reservation["ends_at"] - reservation["starts_at"] == timedelta(minutes=70)


async def test_manage_token_reads_cancels_and_frees_the_time(client: Client, advisor: int):
    created = (
        await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    ).json()
    auth = {"Authorization": f"Bearer {created['manage_token']}"}

    read = await client.get(f"/api/v1/bookings/{created['reference']}", headers=auth)
    assert read.status_code == 200
    assert read.json()["customer"]["business_id"] == "2617416-4"
    assert read.json()["customer"]["phone"] == "+358401234567"

    cancelled = await client.post(
        f"/api/v1/bookings/{created['reference']}/cancel",
        json={"reason": "Sairastuin"},
        headers=auth,
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert await Reservation.count() == 0

    again = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    assert again.status_code == 201


async def test_reschedule_moves_the_reservation_and_keeps_the_reference(
    client: Client, advisor: int
):
    created = (
        await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    ).json()
    auth = {"Authorization": f"Bearer {created['manage_token']}"}
    moved = await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-11-25T13:00:00+02:00"},
        headers=auth,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["reference"] == created["reference"]
    assert moved.json()["start"] == "2026-11-25T13:00:00+02:00"
    [reservation] = await Reservation.select()
    assert reservation["starts_at"].isoformat() == "2026-11-25T11:00:00+00:00"
    [booking] = await Booking.select(Booking.reschedule_count)
    assert booking["reschedule_count"] == 1


async def _slot_starts(client: Client, day: str, **params: str) -> list[str]:
    response = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": day, "end": day, **params}
    )
    assert response.status_code == 200, response.text
    return [slot["start"] for slot in response.json()["slots"]]


async def test_finnish_holidays_close_the_day_unless_the_agency_opts_out(client: Client, db: None):
    city = await make_agency("city-business")
    await make_expert(city, "Aino Virtanen")
    await make_service(city)
    open_agency = await make_agency("open-agency", observe_holidays=False)
    await make_expert(open_agency, "Olli Auki")
    await make_service(open_agency, "open-funding")
    christmas_eve = "2026-12-24"
    assert await _slot_starts(client, christmas_eve) == []
    response = await client.get(
        "/api/v1/services/open-funding/slots", params={"start": christmas_eve, "end": christmas_eve}
    )
    assert response.json()["slots"]


async def test_any_expert_goes_to_the_least_loaded_then_lowest_id(client: Client, db: None):
    agency = await make_agency()
    first = await make_expert(agency, "Eka Asiantuntija")
    second = await make_expert(agency, "Toka Asiantuntija")
    await make_service(agency)
    one = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T09:00:00+02:00"))
    two = await client.post("/api/v1/bookings", json=booking_body("2026-11-25T09:00:00+02:00"))
    three = await client.post("/api/v1/bookings", json=booking_body("2026-11-26T09:00:00+02:00"))
    assert [r.json()["expert"]["id"] for r in (one, two, three)] == [first, second, first]


async def test_daily_limit_closes_the_rest_of_the_day(client: Client, db: None):
    agency = await make_agency()
    await make_expert(agency)
    await make_service(agency, daily_limit=2)
    for start in ("2026-11-24T09:00:00+02:00", "2026-11-24T11:00:00+02:00"):
        assert (await client.post("/api/v1/bookings", json=booking_body(start))).status_code == 201
    assert await _slot_starts(client, "2026-11-24") == []
    assert await _slot_starts(client, "2026-11-25")
    refused = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T14:00:00+02:00"))
    assert refused.status_code == 409


async def test_channel_and_language_filters_pick_qualified_experts(client: Client, db: None):
    agency = await make_agency()
    finnish_only = await make_expert(agency, "Suomi Puhuja", languages=("fi",))
    swedish = await make_expert(
        agency, "Svensk Talare", languages=("fi", "sv"), channels=("phone",)
    )
    await make_service(agency)
    response = await client.get(
        "/api/v1/services/funding-advice/slots",
        params={"start": "2026-11-24", "end": "2026-11-24", "language": "sv"},
    )
    assert {e for s in response.json()["slots"] for e in s["experts"]} == {swedish}
    response = await client.get(
        "/api/v1/services/funding-advice/slots",
        params={"start": "2026-11-24", "end": "2026-11-24", "channel": "video"},
    )
    assert {e for s in response.json()["slots"] for e in s["experts"]} == {finnish_only}


async def test_display_zone_changes_offsets_never_instants(client: Client, advisor: int):
    helsinki = await _slot_starts(client, "2026-11-24")
    utc = await _slot_starts(client, "2026-11-24", tz="UTC")
    assert helsinki[0] == "2026-11-24T09:00:00+02:00"
    assert utc[0] == "2026-11-24T07:00:00Z"
    assert [datetime.fromisoformat(s) for s in helsinki] == [datetime.fromisoformat(s) for s in utc]


async def test_booking_stores_customer_data_and_privacy_notice(client: Client, advisor: int):
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    [row] = await Booking.select()
    assert row["customer_email"] == "matti@example.com"
    assert row["customer_phone"] == "+358401234567"
    assert row["customer_business_id"] == "2617416-4"
    assert row["privacy_notice_version"] == "2026-11"
    assert row["manage_token_hash"] != response.json()["manage_token"]
