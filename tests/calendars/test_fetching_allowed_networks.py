"""CALENDAR_ALLOWED_NETWORKS through a running uvicorn and a real Radicale on loopback: an
admitted network's busy event removes the expert's slot and a booking is written into the
calendar; without the setting the same URL is refused with an error naming the setting."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import icalendar
import pytest

from app import create_app
from calendars.caldav_push import event_href
from luukku.clock import FixedClock
from luukku.settings import Settings
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_expert_login,
    make_service,
)
from tests.calendars.conftest import RADICALE_PASSWORD, RADICALE_USER, _free_port
from tests.conftest import NOW
from tests.frontend.browser.conftest import _wait_until_ready
from tests.frontend.live_server import SECRET_KEY

pytestmark = pytest.mark.slow
# Tuesday 24 November, 11:00-12:00 in Helsinki.
BUSY = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Luukku tests//EN
BEGIN:VEVENT
UID:lunch-with-the-mayor
DTSTAMP:20261120T080000Z
DTSTART:20261124T090000Z
DTEND:20261124T100000Z
SUMMARY:Lunch
END:VEVENT
END:VCALENDAR
"""


@contextmanager
def running_app(database_url: str, networks: str) -> Iterator[str]:
    """A uvicorn process serving the app (fixed clock) with CALENDAR_ALLOWED_NETWORKS."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "CALENDAR_ALLOWED_NETWORKS": networks}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.frontend.live_server", "--port", str(port)], env=env
    )
    try:
        _wait_until_ready(process, base_url)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _calendar(radicale: str, busy: bytes | None = None) -> str:
    url = f"{radicale}/{RADICALE_USER}/{uuid.uuid4().hex}/"
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        assert (await dav.request("MKCALENDAR", url)).status_code == 201
        if busy is not None:
            put = await dav.put(f"{url}busy.ics", content=busy)
            assert put.status_code == 201, put.text
    return url


async def _starts(client: httpx.AsyncClient) -> set[str]:
    response = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    return {slot["start"][11:16] for slot in response.json()["slots"]}


async def _add_calendar(client: httpx.AsyncClient, url: str, write: bool) -> dict[str, object]:
    login = await client.post(
        "/api/v1/auth/login", json={"email": "aino@example.fi", "password": STAFF_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    added = await client.post(
        "/api/v1/staff/me/external-calendars",
        json={
            "kind": "caldav",
            "url": url,
            "username": RADICALE_USER,
            "password": RADICALE_PASSWORD,
            "write_bookings": write,
        },
        headers=headers,
    )
    assert added.status_code == 201, added.text
    return dict(added.json())


@pytest.fixture
async def aino(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    await make_expert_login(expert, "aino@example.fi", STAFF_PASSWORD)
    return expert


async def test_an_admitted_loopback_calendar_blocks_slots_and_receives_bookings(
    aino: int, radicale: str, settings: Settings
) -> None:
    url = await _calendar(radicale, BUSY)
    with running_app(settings.database_url, "127.0.0.0/8") as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            assert {"10:30", "11:00", "11:30"} <= await _starts(client)
            status = await _add_calendar(client, url, write=True)
            assert status["last_error"] in ("", None), status
            starts = await _starts(client)
            assert not {"10:30", "11:00", "11:30"} & starts
            booked = await client.post(
                "/api/v1/bookings", json=booking_body("2026-11-24T13:00:00+02:00")
            )
            assert booked.status_code == 201, booked.text

    # The worker's own calendar-push job, with the fetcher the app builds from its settings.
    admitted = dataclasses.replace(
        settings, secret_key=SECRET_KEY, calendar_allowed_networks=("127.0.0.0/8",)
    )
    app = create_app(admitted, clock=FixedClock(NOW))
    [push] = [job for job in app.state["periodic_jobs"] if job.name == "calendar-push"]
    assert await push.run(NOW) == 1
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        written = await dav.get(event_href(url, booked.json()["reference"]))
    assert written.status_code == 200
    [event] = icalendar.Calendar.from_ical(written.content).walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2026-11-24T11:00:00+00:00"


async def test_without_the_setting_a_loopback_calendar_is_refused_with_a_clear_error(
    aino: int, radicale: str, settings: Settings
) -> None:
    url = await _calendar(radicale, BUSY)
    with running_app(settings.database_url, "") as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            status = await _add_calendar(client, url, write=False)
            assert "private or local address" in str(status["last_error"])
            assert "CALENDAR_ALLOWED_NETWORKS" in str(status["last_error"])
            assert {"10:30", "11:00", "11:30"} <= await _starts(client)


def test_an_invalid_network_stops_the_start_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="CALENDAR_ALLOWED_NETWORKS"):
        Settings.from_env({"CALENDAR_ALLOWED_NETWORKS": "10.0.0.0/8,intranet"})
