"""Bookings written into the expert's own CalDAV calendar (a real Radicale): created, updated
under the same UID, deleted on cancel, nothing sent when nothing changed, failures recorded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import icalendar
import pytest

from booking.bookings.calendar_push import ERROR_PREFIX, push_bookings
from booking.tables import CalendarPush
from booking.video.rooms import read_join_token
from calendars.caldav_push import event_href
from calendars.fetching import Fetcher
from calendars.tables import ExternalCalendar
from luukku.settings import Settings
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.calendars.conftest import RADICALE_PASSWORD, RADICALE_USER, radicale  # noqa: F401
from tests.conftest import NOW

pytestmark = pytest.mark.slow

BOOKINGS = "/api/v1/bookings"


class CountingTransport(httpx.AsyncBaseTransport):
    """The real network, with a log of the requests made."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        self.requests: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def transport() -> AsyncIterator[CountingTransport]:
    counting = CountingTransport()
    yield counting
    await counting.aclose()


@pytest.fixture
def fetcher(transport: CountingTransport) -> Fetcher:
    return Fetcher(allow_private=True, transport=transport)


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    return expert


async def _collection(base_url: str) -> str:
    url = f"{base_url}/{RADICALE_USER}/{uuid.uuid4().hex}/"
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        created = await dav.request("MKCALENDAR", url)
        assert created.status_code == 201, created.text
    return url


async def _writable_calendar(expert: int, url: str, password: str = RADICALE_PASSWORD) -> int:
    calendar = ExternalCalendar(
        expert=expert,
        kind="caldav",
        url=url,
        username=RADICALE_USER,
        password=password,
        write_bookings=True,
    )
    await calendar.save()
    return int(calendar.id)


async def _event(url: str) -> tuple[int, icalendar.cal.Component | None]:
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        response = await dav.get(url)
    if response.status_code != 200:
        return response.status_code, None
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return 200, event


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


async def test_a_booking_is_written_updated_and_removed(
    client: httpx.AsyncClient,
    advisor: int,
    radicale: str,  # noqa: F811
    fetcher: Fetcher,
    settings: Settings,
    transport: CountingTransport,
):
    collection = await _collection(radicale)
    await _writable_calendar(advisor, collection)
    created = (await client.post(BOOKINGS, json=booking_body("2026-11-24T10:00:00+02:00"))).json()
    reference = created["reference"]
    auth = {"Authorization": f"Bearer {created['manage_token']}"}
    href = event_href(collection, reference)

    assert await push_bookings(fetcher, settings, NOW) == 1
    status, event = await _event(href)
    assert status == 200
    assert event is not None
    assert str(event["UID"]) == f"{reference}@luukku"
    assert event.decoded("SEQUENCE") == 0
    assert event.decoded("DTSTART") == _utc("2026-11-24T10:00:00+02:00")
    assert event.decoded("DTEND") == _utc("2026-11-24T11:00:00+02:00")
    assert str(event["SUMMARY"]) == "Luukku: Rahoitusneuvonta"
    # The expert's own meeting link, not the customer's.
    location = str(event["LOCATION"])
    assert location.startswith("https://luukku.test/join/")
    assert location != created["video_url"]
    claims = read_join_token(settings, location.rsplit("/", 1)[1])
    assert claims.attendee_id == f"expert-{advisor}"

    # Nothing changed: no request at all.
    transport.requests.clear()
    assert await push_bookings(fetcher, settings, NOW) == 0
    assert transport.requests == []

    moved = await client.post(
        f"{BOOKINGS}/{reference}/reschedule",
        json={"start": "2026-11-25T13:00:00+02:00"},
        headers=auth,
    )
    assert moved.status_code == 200, moved.text
    assert await push_bookings(fetcher, settings, NOW) == 1
    status, event = await _event(href)
    assert status == 200
    assert event is not None
    assert str(event["UID"]) == f"{reference}@luukku"
    assert event.decoded("SEQUENCE") >= 1
    assert event.decoded("DTSTART") == _utc("2026-11-25T13:00:00+02:00")
    # The If-Match write replaced the event: one PUT, no overwrite after a 412.
    assert [method for method, _ in transport.requests] == ["PUT"]

    cancelled = await client.post(
        f"{BOOKINGS}/{reference}/cancel", json={"reason": "Sairastuin"}, headers=auth
    )
    assert cancelled.status_code == 200, cancelled.text
    assert await push_bookings(fetcher, settings, NOW) == 1
    status, _ = await _event(href)
    assert status == 404
    [record] = await CalendarPush.select(CalendarPush.deleted)
    assert record["deleted"] is True

    transport.requests.clear()
    assert await push_bookings(fetcher, settings, NOW) == 0
    assert transport.requests == []


async def test_an_event_changed_on_the_server_is_overwritten(
    client: httpx.AsyncClient,
    advisor: int,
    radicale: str,  # noqa: F811
    fetcher: Fetcher,
    settings: Settings,
):
    collection = await _collection(radicale)
    await _writable_calendar(advisor, collection)
    created = (await client.post(BOOKINGS, json=booking_body("2026-11-24T10:00:00+02:00"))).json()
    href = event_href(collection, created["reference"])
    # The event is there before Luukku's first write (a lost answer, say): If-None-Match fails.
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        put = await dav.put(
            href,
            content=(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
                f"UID:{created['reference']}@luukku\r\nDTSTAMP:20261101T000000Z\r\n"
                "DTSTART:20261201T080000Z\r\nDTEND:20261201T090000Z\r\nSUMMARY:Vanha\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            ).encode(),
            headers={"Content-Type": "text/calendar"},
        )
        assert put.status_code == 201, put.text

    assert await push_bookings(fetcher, settings, NOW) == 1
    _, event = await _event(href)
    assert event is not None
    assert event.decoded("DTSTART") == _utc("2026-11-24T10:00:00+02:00")


async def test_a_refused_write_is_recorded_and_retried(
    client: httpx.AsyncClient,
    advisor: int,
    radicale: str,  # noqa: F811
    fetcher: Fetcher,
    settings: Settings,
):
    collection = await _collection(radicale)
    calendar_id = await _writable_calendar(advisor, collection, password="wrong")
    created = (await client.post(BOOKINGS, json=booking_body("2026-11-24T10:00:00+02:00"))).json()

    assert await push_bookings(fetcher, settings, NOW) == 0
    row = await ExternalCalendar.select().where(ExternalCalendar.id == calendar_id).first()
    assert row is not None
    assert row["last_error"].startswith(ERROR_PREFIX)
    assert "HTTP 401" in row["last_error"]
    assert row["last_error_at"] == NOW

    await ExternalCalendar.update({ExternalCalendar.password: RADICALE_PASSWORD}).where(
        ExternalCalendar.id == calendar_id
    )
    assert await push_bookings(fetcher, settings, NOW) == 1
    status, _ = await _event(event_href(collection, created["reference"]))
    assert status == 200
    row = await ExternalCalendar.select().where(ExternalCalendar.id == calendar_id).first()
    assert row is not None
    assert row["last_error"] == ""


async def test_calendars_without_write_bookings_are_left_alone(
    client: httpx.AsyncClient,
    advisor: int,
    fetcher: Fetcher,
    transport: CountingTransport,
    settings: Settings,
):
    calendar = ExternalCalendar(expert=advisor, kind="caldav", url="http://127.0.0.1:9/cal/")
    await calendar.save()
    await client.post(BOOKINGS, json=booking_body("2026-11-24T10:00:00+02:00"))

    assert await push_bookings(fetcher, settings, NOW) == 0
    assert transport.requests == []
