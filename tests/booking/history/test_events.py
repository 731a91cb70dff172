"""Every change of a booking leaves a history entry, with who made it, in the same
transaction; the customer reads it in the API and on the manage page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from booking.history.tables import BookingEvent
from luukku.clock import FixedClock
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.quality_world import Quality

Client = httpx.AsyncClient


def _bearer(created: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {created.json()['manage_token']}"}


def _steps(body: dict[str, object]) -> list[tuple[str, str]]:
    return [(entry["event"], entry["by"]) for entry in body["history"]]  # type: ignore[attr-defined, index]


async def test_create_reschedule_and_cancel_each_add_a_customer_entry(client: Client, db: None):
    agency = await make_agency()
    await make_expert(agency)
    await make_service(agency)
    created = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    assert created.status_code == 201, created.text
    path = f"/api/v1/bookings/{created.json()['reference']}"
    read = await client.get(path, headers=_bearer(created))
    assert _steps(read.json()) == [("created", "customer")]
    assert read.json()["history"][0]["at"] == "2026-11-23T10:00:00+02:00"

    moved = await client.post(
        f"{path}/reschedule", json={"start": "2026-11-25T10:00:00+02:00"}, headers=_bearer(created)
    )
    assert _steps(moved.json()) == [("created", "customer"), ("rescheduled", "customer")]
    cancelled = await client.post(f"{path}/cancel", json={}, headers=_bearer(created))
    assert _steps(cancelled.json())[-1] == ("cancelled", "customer")

    page = await client.get(
        f"/bookings/{created.json()['reference']}/manage",
        params={"token": created.json()["manage_token"], "lang": "fi"},
    )
    assert page.status_code == 200
    assert "Historia" in page.text
    assert "Siirretty uuteen aikaan" in page.text


async def test_a_refused_change_leaves_no_entry(client: Client, db: None):
    agency = await make_agency()
    await make_expert(agency)
    await make_service(agency)
    created = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    path = f"/api/v1/bookings/{created.json()['reference']}"
    refused = await client.post(
        f"{path}/reschedule", json={"start": "2026-11-24T03:00:00+02:00"}, headers=_bearer(created)
    )
    assert refused.status_code in (409, 422)
    assert await BookingEvent.count() == 1


async def test_staff_recording_the_outcome_shows_as_a_staff_entry(
    client: Client, quality: Quality, clock: FixedClock
):
    body = booking_body("2026-11-25T10:00:00+02:00", service="funding-advice", channel="phone")
    body["expert_id"] = quality.aino
    created = await client.post("/api/v1/bookings", json=body)
    assert created.status_code == 201, created.text
    clock.current = datetime(2026, 11, 25, 9, 10, tzinfo=UTC) + timedelta(minutes=10)
    marked = await client.post(
        f"/api/v1/staff/bookings/{created.json()['reference']}/outcome",
        json={"outcome": "completed"},
        headers=await quality.headers(client, "aino"),
    )
    assert marked.status_code == 200, marked.text
    read = await client.get(
        f"/api/v1/bookings/{created.json()['reference']}", headers=_bearer(created)
    )
    assert _steps(read.json()) == [("created", "customer"), ("outcome_recorded", "staff")]
