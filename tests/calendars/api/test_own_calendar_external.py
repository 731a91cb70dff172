"""An expert registers their own calendar; its busy times block bookings; errors show."""

from __future__ import annotations

import httpx
import pytest

from staff.accounts import create_staff_user
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.calendars.conftest import CalendarServer

PASSWORD = "correct horse battery"
BUSY_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Outlook//EN\r
BEGIN:VEVENT\r
UID:meeting-1\r
DTSTAMP:20261120T080000Z\r
DTSTART;TZID=Europe/Helsinki:20261201T100000\r
DTEND;TZID=Europe/Helsinki:20261201T120000\r
SUMMARY:Johtoryhmä\r
END:VEVENT\r
END:VCALENDAR\r
""".encode()


@pytest.fixture
async def aino(client: httpx.AsyncClient, db: None) -> dict[str, str]:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    response = await client.post(
        "/api/v1/auth/login", json={"email": "aino@example.fi", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_registered_calendar_blocks_its_busy_times_and_hides_the_secret_url(
    client: httpx.AsyncClient, aino: dict[str, str], calendar_server: CalendarServer
):
    url = calendar_server.serve("/secret-abc123/calendar.ics", BUSY_ICS)
    added = await client.post(
        "/api/v1/staff/me/external-calendars", json={"kind": "ics", "url": url}, headers=aino
    )
    assert added.status_code == 201, added.text
    status = added.json()
    assert status["host"] == "127.0.0.1"
    assert status["last_success_at"] is not None
    assert "secret-abc123" not in added.text

    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-12-01", "end": "2026-12-01"}
    )
    starts = [s["start"][11:16] for s in slots.json()["slots"]]
    assert not {"09:30", "10:00", "10:30", "11:00", "11:30"} & set(starts)
    assert {"09:00", "12:00"} <= set(starts)
    taken = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    assert taken.status_code == 409


async def test_a_failing_source_shows_its_error_and_keeps_the_busy_times(
    client: httpx.AsyncClient, aino: dict[str, str], calendar_server: CalendarServer
):
    url = calendar_server.serve("/cal.ics", BUSY_ICS)
    calendar = (
        await client.post(
            "/api/v1/staff/me/external-calendars", json={"kind": "ics", "url": url}, headers=aino
        )
    ).json()
    calendar_server.serve("/cal.ics", b"not a calendar at all")
    synced = await client.post(
        f"/api/v1/staff/me/external-calendars/{calendar['id']}/sync", headers=aino
    )
    assert synced.status_code == 200
    assert synced.json()["last_error"]
    assert synced.json()["last_error_at"] is not None
    taken = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    assert taken.status_code == 409


async def test_a_non_http_url_is_refused_naming_the_field(client, aino):
    response = await client.post(
        "/api/v1/staff/me/external-calendars",
        json={"kind": "ics", "url": "file:///etc/passwd"},
        headers=aino,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"
