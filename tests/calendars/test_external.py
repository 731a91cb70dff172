"""Experts' own calendars: reading busy times from ICS and CalDAV, failing safely, and the
slot search and booking treating those times as taken."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from calendars.busy_times import CalendarUnreadable, busy_intervals
from calendars.external import add_external_calendar, sync_calendar, sync_due_calendars
from calendars.fetching import Fetcher, FetchError
from calendars.tables import ExternalBusy, ExternalCalendar
from luukku.problems import Conflict, InvalidInput, NotFound
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.calendars.conftest import RADICALE_PASSWORD, RADICALE_USER, CalendarServer, SilentServer
from tests.conftest import NOW

LOCAL = Fetcher(allow_private=True)
WINDOW = (NOW - timedelta(days=7), NOW + timedelta(days=400))
SLOTS = "/api/v1/services/funding-advice/slots"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def vcalendar(*events: str) -> bytes:
    """A calendar of `events`, each given as its property lines (indentation ignored)."""
    body = "".join(
        "BEGIN:VEVENT\nDTSTAMP:20261101T000000Z\n"
        + "".join(f"{line.strip()}\n" for line in event.strip().splitlines())
        + "END:VEVENT\n"
        for event in events
    )
    header = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Luukku tests//EN\n"
    return f"{header}{body}END:VCALENDAR\n".encode()


def busy(ics: bytes, zone: str = "Europe/Helsinki") -> list[tuple[datetime, datetime]]:
    return busy_intervals(ics, *WINDOW, zone)


WEEKLY_WITH_EXCEPTIONS = (
    """
UID:weekly-team-meeting
SUMMARY:Tiimipalaveri
DTSTART;TZID=Europe/Helsinki:20261124T120000
DTEND;TZID=Europe/Helsinki:20261124T130000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Europe/Helsinki:20261201T120000
""",
    """
UID:weekly-team-meeting
RECURRENCE-ID;TZID=Europe/Helsinki:20261208T120000
DTSTART;TZID=Europe/Helsinki:20261208T150000
DTEND;TZID=Europe/Helsinki:20261208T160000
""",
    """
UID:weekly-team-meeting
RECURRENCE-ID;TZID=Europe/Helsinki:20261215T120000
DTSTART;TZID=Europe/Helsinki:20261215T120000
DTEND;TZID=Europe/Helsinki:20261215T130000
STATUS:CANCELLED
""",
)
LUNCH_MEETING = """
UID:lunch
DTSTART;TZID=Europe/Helsinki:20261124T110000
DTEND;TZID=Europe/Helsinki:20261124T120000
"""


# --- Reading iCalendar ---------------------------------------------------------------------


def test_weekly_series_skips_exdates_moves_overrides_and_drops_cancelled_instances():
    assert busy(vcalendar(*WEEKLY_WITH_EXCEPTIONS)) == [
        (utc("2026-11-24T10:00"), utc("2026-11-24T11:00")),
        # 2026-12-01 is an EXDATE; 2026-12-08 moved to 15:00; 2026-12-15 is cancelled.
        (utc("2026-12-08T13:00"), utc("2026-12-08T14:00")),
        (utc("2026-12-22T10:00"), utc("2026-12-22T11:00")),
    ]


def test_helsinki_times_keep_their_wall_clock_across_the_dst_change():
    ics = vcalendar(
        """
        UID:friday-clinic
        DTSTART;TZID=Europe/Helsinki:20270319T100000
        DTEND;TZID=Europe/Helsinki:20270319T110000
        RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3
        """,
        # The night of the change: 02:00 EET to 05:00 EEST is two real hours.
        """
        UID:night-shift
        DTSTART;TZID=Europe/Helsinki:20270328T020000
        DTEND;TZID=Europe/Helsinki:20270328T050000
        """,
    )
    assert busy(ics) == [
        (utc("2027-03-19T08:00"), utc("2027-03-19T09:00")),
        (utc("2027-03-26T08:00"), utc("2027-03-26T09:00")),
        (utc("2027-03-28T00:00"), utc("2027-03-28T02:00")),
        (utc("2027-04-02T07:00"), utc("2027-04-02T08:00")),
    ]


def test_floating_times_are_the_experts_local_time():
    ics = vcalendar("UID:floating\nDTSTART:20261125T100000\nDTEND:20261125T113000")
    assert busy(ics, "Europe/Helsinki") == [(utc("2026-11-25T08:00"), utc("2026-11-25T09:30"))]
    assert busy(ics, "Europe/Stockholm") == [(utc("2026-11-25T09:00"), utc("2026-11-25T10:30"))]


def test_all_day_events_block_whole_local_days():
    ics = vcalendar(
        "UID:training\nDTSTART;VALUE=DATE:20261207\nDTEND;VALUE=DATE:20261209",
        "UID:one-day\nDTSTART;VALUE=DATE:20270328",
    )
    assert busy(ics) == [
        (utc("2026-12-06T22:00"), utc("2026-12-08T22:00")),
        # The day of the DST change is 23 hours long.
        (utc("2027-03-27T22:00"), utc("2027-03-28T21:00")),
    ]


def test_free_and_cancelled_events_do_not_block():
    ics = vcalendar(
        LUNCH_MEETING,
        "UID:free\nDTSTART:20261126T080000Z\nDTEND:20261126T090000Z\nTRANSP:TRANSPARENT",
        "UID:off\nDTSTART:20261126T100000Z\nDTEND:20261126T110000Z\nSTATUS:CANCELLED",
        "UID:ol\nDTSTART:20261126T120000Z\nDTEND:20261126T130000Z\nX-MICROSOFT-CDO-BUSYSTATUS:FREE",
        "UID:tentative\nDTSTART:20261127T080000Z\nDTEND:20261127T090000Z\nSTATUS:TENTATIVE",
    )
    assert busy(ics) == [
        (utc("2026-11-24T09:00"), utc("2026-11-24T10:00")),
        (utc("2026-11-27T08:00"), utc("2026-11-27T09:00")),
    ]


def test_overlapping_events_merge_and_the_window_cuts_long_ones():
    ics = vcalendar(
        "UID:a\nDTSTART:20261124T080000Z\nDTEND:20261124T100000Z",
        "UID:b\nDTSTART:20261124T090000Z\nDTEND:20261124T110000Z",
        "UID:leave\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20260301",
        "UID:sabbatical\nDTSTART;VALUE=DATE:20261101\nDTEND;VALUE=DATE:20261118",
        "UID:old\nDTSTART:20261001T080000Z\nDTEND:20261001T090000Z",
    )
    assert busy(ics) == [
        (WINDOW[0], utc("2026-11-17T22:00")),
        (utc("2026-11-24T08:00"), utc("2026-11-24T11:00")),
    ]


@pytest.mark.parametrize(
    ("ics", "message"),
    [
        (b"<html><body>Sign in</body></html>", "not an iCalendar file"),
        (b"", "not an iCalendar file"),
        (b"BEGIN:VCARD\nVERSION:4.0\nFN:Aino\nEND:VCARD\n", "not an iCalendar file"),
        (vcalendar("UID:x\nDTSTART:tomorrow\nDTEND:20261124T100000Z"), "malformed event"),
        (vcalendar("UID:x\nDTSTART:20261124T080000Z\nRRULE:FREQ=MINUTELY"), "more often"),
    ],
)
def test_unreadable_calendars_raise(ics: bytes, message: str):
    with pytest.raises(CalendarUnreadable, match=message):
        busy(ics)


# --- Fetching safely -----------------------------------------------------------------------


async def test_loopback_addresses_are_refused_unless_allowed(calendar_server: CalendarServer):
    url = calendar_server.serve("/cal.ics", vcalendar(LUNCH_MEETING))
    for refused in (url, url.replace("127.0.0.1", "localhost")):
        with pytest.raises(FetchError, match="private or local address"):
            await Fetcher().fetch(refused)
    assert calendar_server.requests == []
    assert await LOCAL.fetch(url) == vcalendar(LUNCH_MEETING)


PUBLIC_IP = "93.184.215.14"


async def _resolve(host: str, port: int) -> list[str]:
    return {"calendar.example": [PUBLIC_IP], "intranet.example": ["10.0.0.7"]}[host]


@pytest.mark.parametrize(
    "target",
    [
        "http://intranet.example/cal.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:8080/",
        "file:///etc/passwd",
    ],
)
async def test_redirects_to_private_addresses_are_refused(target: str):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": target})

    fetcher = Fetcher(resolve=_resolve, transport=httpx.MockTransport(answer))
    with pytest.raises(FetchError, match=r"private or local|only http and https"):
        await fetcher.fetch("https://calendar.example/owa/calendar.ics")
    # Only the public host was contacted, at the address that was checked.
    [request] = seen
    assert request.url.host == PUBLIC_IP
    assert request.headers["Host"] == "calendar.example"
    assert request.extensions["sni_hostname"] == "calendar.example"


async def test_credentials_stay_with_their_origin_across_redirects():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers["Host"] == "calendar.example":
            return httpx.Response(302, headers={"Location": "https://cdn.example/cal.ics"})
        return httpx.Response(200, content=vcalendar(LUNCH_MEETING))

    async def resolve(host: str, port: int) -> list[str]:
        return [PUBLIC_IP]

    fetcher = Fetcher(resolve=resolve, transport=httpx.MockTransport(answer))
    await fetcher.fetch("https://calendar.example/cal.ics", auth=("aino", "secret"))
    assert [r.headers["Host"] for r in seen] == ["calendar.example", "cdn.example"]
    assert "Authorization" in seen[0].headers
    assert "Authorization" not in seen[1].headers


async def test_redirects_are_followed_up_to_a_limit(calendar_server: CalendarServer):
    calendar_server.serve("/cal.ics", vcalendar(LUNCH_MEETING))
    moved = calendar_server.redirect("/old.ics", "/cal.ics", status=301)
    assert await LOCAL.fetch(moved) == vcalendar(LUNCH_MEETING)

    loop = calendar_server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await LOCAL.fetch(loop)
    assert sum(path == "/loop" for path, _ in calendar_server.requests) == 6


async def test_a_source_that_never_answers_times_out(silent_server_url: str):
    with pytest.raises(FetchError, match=r"timed out|no complete answer"):
        await Fetcher(allow_private=True, timeout_seconds=0.2).fetch(silent_server_url)


async def test_internationalised_host_names_are_resolved_in_their_ascii_form():
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return [PUBLIC_IP]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=vcalendar(LUNCH_MEETING))

    fetcher = Fetcher(resolve=resolve, transport=httpx.MockTransport(answer))
    await fetcher.fetch("https://kalenteri.äänekoski.fi/cal.ics")
    assert asked == ["kalenteri.xn--nekoski-4waa.fi"]


async def test_only_http_and_https_are_fetched():
    with pytest.raises(FetchError, match="only http and https"):
        await LOCAL.fetch("ftp://127.0.0.1/cal.ics")


# --- Registering ---------------------------------------------------------------------------


@pytest.fixture
async def expert(db: None) -> int:
    return await make_expert(await make_agency())


async def test_registering_checks_the_address_and_kind(expert: int):
    with pytest.raises(InvalidInput) as refused:
        await add_external_calendar(expert, "ics", "ftp://calendar.example/cal.ics")
    assert [e.field for e in refused.value.errors] == ["url"]
    with pytest.raises(InvalidInput) as refused:
        await add_external_calendar(expert, "exchange", "https://calendar.example/cal.ics")
    assert [e.field for e in refused.value.errors] == ["kind"]
    with pytest.raises(InvalidInput, match="own fields"):
        await add_external_calendar(expert, "caldav", "https://aino:pw@dav.example/cal/")
    with pytest.raises(NotFound):
        await add_external_calendar(expert + 1, "ics", "https://calendar.example/cal.ics")

    calendar_id = await add_external_calendar(expert, "ics", " webcal://calendar.example/a.ics ")
    row = await ExternalCalendar.select().where(ExternalCalendar.id == calendar_id).first()
    assert row is not None
    assert row["url"] == "https://calendar.example/a.ics"
    assert row["last_attempt_at"] is None
    with pytest.raises(Conflict):
        await add_external_calendar(expert, "ics", "https://calendar.example/a.ics")


# --- Syncing -------------------------------------------------------------------------------


async def _busy_rows(calendar_id: int) -> list[tuple[datetime, datetime]]:
    rows = await ExternalBusy.select(ExternalBusy.starts_at, ExternalBusy.ends_at).where(
        ExternalBusy.calendar == calendar_id
    )
    return sorted((row["starts_at"], row["ends_at"]) for row in rows)


async def _calendar(calendar_id: int) -> dict[str, object]:
    row = await ExternalCalendar.select().where(ExternalCalendar.id == calendar_id).first()
    assert row is not None
    return row


async def test_sync_stores_busy_times_and_marks_success(
    expert: int, calendar_server: CalendarServer
):
    url = calendar_server.serve("/cal.ics", vcalendar(LUNCH_MEETING, *WEEKLY_WITH_EXCEPTIONS))
    calendar_id = await add_external_calendar(expert, "ics", url)

    result = await sync_calendar(calendar_id, LOCAL, NOW)

    assert result.ok
    assert result.busy_count == 3
    assert await _busy_rows(calendar_id) == [
        (utc("2026-11-24T09:00"), utc("2026-11-24T11:00")),  # lunch and meeting merged
        (utc("2026-12-08T13:00"), utc("2026-12-08T14:00")),
        (utc("2026-12-22T10:00"), utc("2026-12-22T11:00")),
    ]
    row = await _calendar(calendar_id)
    assert row["last_attempt_at"] == row["last_success_at"] == NOW
    assert row["last_error"] == ""
    assert row["last_error_at"] is None


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("unreachable", "could not connect"),
        ("missing", "HTTP 404"),
        ("malformed", "not an iCalendar file"),
        ("too large", "larger than 1 kB"),
        ("too large, undeclared", "larger than 1 kB"),
        ("loopback", "private or local address"),
    ],
)
async def test_a_failing_source_keeps_its_last_good_data_and_records_why(
    expert: int,
    calendar_server: CalendarServer,
    closed_port_url: str,
    failure: str,
    message: str,
):
    good = vcalendar(LUNCH_MEETING)
    calendar_id = await add_external_calendar(expert, "ics", calendar_server.serve("/ok", good))
    assert (await sync_calendar(calendar_id, LOCAL, NOW)).ok
    stored = await _busy_rows(calendar_id)
    assert stored == [(utc("2026-11-24T09:00"), utc("2026-11-24T10:00"))]

    huge = vcalendar(*(f"UID:e{i}\nDTSTART:20261124T080000Z" for i in range(40)))
    fetcher = Fetcher(allow_private=failure != "loopback", max_bytes=1024)
    url = {
        "unreachable": closed_port_url,
        "missing": calendar_server.url("/gone.ics"),
        "malformed": calendar_server.serve("/bad", b"BEGIN:VCALENDAR\nthis is not ical"),
        "too large": calendar_server.serve("/big", huge),
        "too large, undeclared": calendar_server.serve("/big2", huge, declare_length=False),
        "loopback": calendar_server.url("/ok"),
    }[failure]
    await ExternalCalendar.update({ExternalCalendar.url: url}).where(
        ExternalCalendar.id == calendar_id
    )
    later = NOW + timedelta(minutes=10)

    result = await sync_calendar(calendar_id, fetcher, later)

    assert not result.ok
    assert message in result.error
    assert await _busy_rows(calendar_id) == stored
    row = await _calendar(calendar_id)
    assert message in str(row["last_error"])
    assert "/gone.ics" not in str(row["last_error"])  # the host only: URLs may hold secrets
    assert row["last_error_at"] == row["last_attempt_at"] == later
    assert row["last_success_at"] == NOW

    # Once the source recovers, the error is cleared.
    await ExternalCalendar.update({ExternalCalendar.url: calendar_server.url("/ok")}).where(
        ExternalCalendar.id == calendar_id
    )
    assert (await sync_calendar(calendar_id, LOCAL, later + timedelta(minutes=1))).ok
    row = await _calendar(calendar_id)
    assert row["last_error"] == ""
    assert row["last_error_at"] is None


async def test_a_source_that_empties_removes_its_busy_times(
    expert: int, calendar_server: CalendarServer
):
    url = calendar_server.serve("/cal.ics", vcalendar(LUNCH_MEETING))
    calendar_id = await add_external_calendar(expert, "ics", url)
    await sync_calendar(calendar_id, LOCAL, NOW)
    calendar_server.serve("/cal.ics", vcalendar())
    result = await sync_calendar(calendar_id, LOCAL, NOW + timedelta(minutes=10))
    assert (result.ok, result.busy_count) == (True, 0)
    assert await _busy_rows(calendar_id) == []


async def test_the_periodic_job_syncs_only_calendars_not_tried_lately(
    expert: int, calendar_server: CalendarServer
):
    fresh, stale, recent = [
        await add_external_calendar(
            expert, "ics", calendar_server.serve(f"/{name}.ics", vcalendar(LUNCH_MEETING))
        )
        for name in ("fresh", "stale", "recent")
    ]
    await ExternalCalendar.update(
        {ExternalCalendar.last_attempt_at: NOW - timedelta(minutes=30)}
    ).where(ExternalCalendar.id == stale)
    await ExternalCalendar.update(
        {ExternalCalendar.last_attempt_at: NOW - timedelta(minutes=3)}
    ).where(ExternalCalendar.id == recent)

    assert await sync_due_calendars(LOCAL, NOW) == 2
    assert await sync_due_calendars(LOCAL, NOW) == 0

    assert len(await _busy_rows(fresh)) == len(await _busy_rows(stale)) == 1
    assert await _busy_rows(recent) == []
    assert (await _calendar(recent))["last_attempt_at"] == NOW - timedelta(minutes=3)
    assert await sync_due_calendars(LOCAL, NOW + timedelta(minutes=10)) == 3


async def test_sync_of_an_unknown_calendar_is_not_found(db: None):
    with pytest.raises(NotFound):
        await sync_calendar(404, LOCAL, NOW)


# --- CalDAV against Radicale ---------------------------------------------------------------


async def _radicale_calendar(base_url: str, resources: dict[str, bytes]) -> str:
    url = f"{base_url}/{RADICALE_USER}/{uuid.uuid4().hex}/"
    async with httpx.AsyncClient(auth=(RADICALE_USER, RADICALE_PASSWORD)) as dav:
        created = await dav.request("MKCALENDAR", url)
        assert created.status_code == 201, created.text
        for name, ics in resources.items():
            put = await dav.put(
                f"{url}{name}.ics", content=ics, headers={"Content-Type": "text/calendar"}
            )
            assert put.status_code == 201, put.text
    return url


@pytest.mark.slow
async def test_caldav_calendar_syncs_from_radicale(expert: int, radicale: str):
    url = await _radicale_calendar(
        radicale,
        {
            "weekly": vcalendar(*WEEKLY_WITH_EXCEPTIONS),
            "lunch": vcalendar(LUNCH_MEETING),
            "free": vcalendar(
                "UID:free\nDTSTART:20261126T080000Z\nDTEND:20261126T090000Z\nTRANSP:TRANSPARENT"
            ),
            "long-ago": vcalendar("UID:old\nDTSTART:20250101T080000Z\nDTEND:20250101T090000Z"),
        },
    )
    calendar_id = await add_external_calendar(
        expert, "caldav", url, RADICALE_USER, RADICALE_PASSWORD
    )

    result = await sync_calendar(calendar_id, LOCAL, NOW)

    assert result.ok, result.error
    assert await _busy_rows(calendar_id) == [
        (utc("2026-11-24T09:00"), utc("2026-11-24T11:00")),
        (utc("2026-12-08T13:00"), utc("2026-12-08T14:00")),
        (utc("2026-12-22T10:00"), utc("2026-12-22T11:00")),
    ]


@pytest.mark.slow
async def test_caldav_with_a_wrong_password_records_the_refusal(expert: int, radicale: str):
    url = await _radicale_calendar(radicale, {"lunch": vcalendar(LUNCH_MEETING)})
    calendar_id = await add_external_calendar(expert, "caldav", url, RADICALE_USER, "wrong")

    result = await sync_calendar(calendar_id, LOCAL, NOW)

    assert not result.ok
    assert "HTTP 401" in result.error
    assert await _busy_rows(calendar_id) == []


# --- Availability --------------------------------------------------------------------------


async def _starts(client: httpx.AsyncClient, day: str) -> list[str]:
    response = await client.get(SLOTS, params={"start": day, "end": day})
    assert response.status_code == 200, response.text
    return [slot["start"][11:16] for slot in response.json()["slots"]]


async def test_external_busy_times_remove_slots_and_refuse_bookings(
    client: httpx.AsyncClient, calendar_server: CalendarServer
):
    agency = await make_agency()
    advisor = await make_expert(agency)
    await make_service(agency)
    # Tuesday 11:00-12:00 in Helsinki.
    url = calendar_server.serve("/aino.ics", vcalendar(LUNCH_MEETING))
    calendar_id = await add_external_calendar(advisor, "ics", url)
    assert {"10:30", "11:00", "11:30"} <= set(await _starts(client, "2026-11-24"))

    assert (await sync_calendar(calendar_id, LOCAL, NOW)).ok

    starts = await _starts(client, "2026-11-24")
    assert not {"10:30", "11:00", "11:30"} & set(starts)
    assert {"10:00", "12:00"} <= set(starts)
    refused = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T11:00:00+02:00"))
    assert refused.status_code == 409, refused.text
    taken = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T12:00:00+02:00"))
    assert taken.status_code == 201, taken.text


async def test_a_hanging_source_does_not_hold_up_slot_search_or_booking(
    client: httpx.AsyncClient, silent_server: SilentServer
):
    silent_server_url = silent_server.url
    agency = await make_agency()
    advisor = await make_expert(agency)
    await make_service(agency)
    await add_external_calendar(advisor, "ics", silent_server_url)
    sync = asyncio.create_task(sync_due_calendars(LOCAL, NOW))
    # The sync has connected and waits for an answer that never comes.
    assert await asyncio.to_thread(silent_server.connected.wait, 30)
    try:
        assert {"10:00", "11:00"} <= set(await _starts(client, "2026-11-24"))
        taken = await client.post(
            "/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00")
        )
        assert taken.status_code == 201, taken.text
        assert not sync.done()  # searched and booked while the sync still hung
    finally:
        sync.cancel()
