"""iCalendar subscription feeds end to end: tokens, what a feed holds, customer privacy, HTTP
validators, and three independent parsers (icalendar, vobject, Mozilla's ical.js) reading
every feed the app serves."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import icalendar
import pytest
import vobject
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from booking.feeds.contents import MAX_FEED_BYTES, MAX_FEED_EVENTS
from booking.feeds.tokens import feed_url, issue_agency_feed_token, issue_feed_token
from booking.tables import Booking, Service
from booking.video.rooms import read_join_token
from calendars.tables import Expert
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.ical import (
    PRODID,
    FeedCalendar,
    FeedEvent,
    event_uid,
    plain_text,
    render_feed,
)
from staff.tables import StaffUser
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.conftest import NOW

Client = httpx.AsyncClient

ICAL_JS = Path(__file__).resolve().parents[2] / "ical"
WINTER_START = "2026-12-01T10:00:00+02:00"  # 08:00Z
SUMMER_START = "2027-06-15T10:00:00+03:00"  # 07:00Z, after the change to summer time
MAYA = {
    "name": "Maija Mehiläinen",
    "email": "maija@example.com",
    "phone": "040 765 4321",
    "company": "Hunaja Oy",
    "business_id": "2617416-4",
}


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ical_js() -> Path:
    """Mozilla's ical.js, installed from tests/ical/package-lock.json when missing."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read feeds with ical.js (tests/ical/check.mjs)")
    if not (ICAL_JS / "node_modules" / "ical.js").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed once: npm ci --prefix tests/ical")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=ICAL_JS, check=True, capture_output=True
        )
    return ICAL_JS / "check.mjs"


@pytest.fixture
async def agency(db: None) -> int:
    return await make_agency()


@pytest.fixture
async def advisor(agency: int) -> int:
    expert = await make_expert(agency)
    await make_service(agency, horizon_days=400)
    return expert


# --- reading feeds ------------------------------------------------------------------------


@dataclass(frozen=True)
class SeenEvent:
    """An event as icalendar read it (times checked against vobject and ical.js)."""

    uid: str
    sequence: int
    status: str
    summary: str
    description: str
    location: str
    url: str
    start: datetime
    end: datetime
    stamp: datetime
    last_modified: datetime


@dataclass(frozen=True)
class SeenFeed:
    response: httpx.Response
    events: dict[str, SeenEvent]
    """By UID."""

    @property
    def text(self) -> str:
        return self.response.content.decode()

    def unfolded(self) -> list[str]:
        return self.text.replace("\r\n ", "").split("\r\n")


def check_bytes(body: bytes) -> None:
    """What RFC 5545 asks of the bytes and what the feed promises about its header."""
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    for raw in body.split(b"\r\n"):
        assert len(raw) <= 75, raw
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert f"PRODID:{PRODID}" in unfolded
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT15M" in unfolded
    assert "X-PUBLISHED-TTL:PT15M" in unfolded
    assert any(line.startswith("NAME:") for line in unfolded)
    assert any(line.startswith("X-WR-CALNAME:") for line in unfolded)
    assert not any(line.startswith("METHOD:") for line in unfolded)
    assert "BEGIN:VTIMEZONE" not in unfolded
    for line in unfolded:
        if line.startswith(("DTSTART", "DTEND", "DTSTAMP", "LAST-MODIFIED")):
            assert re.fullmatch(r"[A-Z-]+:\d{8}T\d{6}Z", line), line


def read_with_icalendar(body: bytes) -> dict[str, SeenEvent]:
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    events: dict[str, SeenEvent] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in events
        events[uid] = SeenEvent(
            uid=uid,
            sequence=int(event.get("SEQUENCE", 0)),
            status=str(event["STATUS"]),
            summary=str(event["SUMMARY"]),
            description=str(event.get("DESCRIPTION", "")),
            location=str(event.get("LOCATION", "")),
            url=str(event.get("URL", "")),
            start=event.decoded("DTSTART"),
            end=event.decoded("DTEND"),
            stamp=event.decoded("DTSTAMP"),
            last_modified=event.decoded("LAST-MODIFIED"),
        )
    return events


def instants_from_vobject(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    calendar = vobject.readOne(body.decode(), validate=True)
    return {
        event.uid.value: (event.dtstart.value, event.dtend.value)
        for event in getattr(calendar, "vevent_list", [])
    }


def read_with_ical_js(check: Path, body: bytes) -> dict[str, object]:
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, str(check)], input=body, capture_output=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def get_feed(client: Client, token: str, ical_js: Path, **headers: str) -> SeenFeed:
    """GET the feed and read it with all three parsers, which must agree on every event."""
    response = await client.get(f"/feeds/{token}.ics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.content
    check_bytes(body)
    events = read_with_icalendar(body)
    by_icalendar = {uid: (e.start, e.end) for uid, e in events.items()}
    assert instants_from_vobject(body) == by_icalendar
    by_ical_js = read_with_ical_js(ical_js, body)
    seen_by_js = by_ical_js["events"]
    assert isinstance(seen_by_js, list)
    assert {e["uid"]: (_instant(e["start"]), _instant(e["end"])) for e in seen_by_js} == (
        by_icalendar
    )
    assert all(e["start_is_utc"] for e in seen_by_js)
    assert {e["uid"]: (e["sequence"], e["status"], e["summary"]) for e in seen_by_js} == {
        uid: (e.sequence, e.status, e.summary) for uid, e in events.items()
    }
    assert by_ical_js["refresh_interval"] == "PT15M"
    return SeenFeed(response, events)


async def book(client: Client, start: str, **overrides: object) -> dict[str, object]:
    response = await client.post("/api/v1/bookings", json=booking_body(start, **overrides))
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def manage(created: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['manage_token']}"}


# --- what a feed holds --------------------------------------------------------------------


async def test_winter_and_summer_bookings_land_on_their_utc_instant_in_every_parser(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    winter = await book(client, WINTER_START)
    summer = await book(client, SUMMER_START)
    token = await issue_feed_token(advisor, NOW, settings)

    feed = await get_feed(client, token, ical_js)

    assert feed.events[event_uid(str(winter["reference"]))].start == datetime(
        2026, 12, 1, 8, 0, tzinfo=UTC
    )
    assert feed.events[event_uid(str(summer["reference"]))].start == datetime(
        2027, 6, 15, 7, 0, tzinfo=UTC
    )
    assert "DTSTART:20261201T080000Z" in feed.unfolded()
    assert "DTEND:20270615T080000Z" in feed.unfolded()


async def test_event_names_the_service_channel_video_link_and_staff_page(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    created = await book(client, WINTER_START)
    reference = str(created["reference"])
    token = await issue_feed_token(advisor, NOW, settings)

    feed = await get_feed(client, token, ical_js)

    event = feed.events[f"{reference}@luukku"]
    assert (event.status, event.sequence) == ("CONFIRMED", 0)
    # The expert's own link into the booking's meeting room, not the customer's.
    video_url = event.url
    customer = read_join_token(settings, str(created["video_url"]).rsplit("/", 1)[1])
    expert = read_join_token(settings, video_url.rsplit("/", 1)[1])
    assert video_url != created["video_url"]
    assert (expert.room, expert.attendee_id) == (customer.room, f"expert-{advisor}")
    assert event.location == video_url
    assert f"CONFERENCE;VALUE=URI;FEATURE=VIDEO:{video_url}" in feed.unfolded()
    assert "Palvelu: Rahoitusneuvonta" in event.description
    assert "Kanava: Video" in event.description
    assert f"https://luukku.test/staff/bookings/{reference}" in event.description
    assert event.summary.startswith("Rahoitusneuvonta")
    assert event.stamp == event.last_modified == NOW
    assert "X-WR-CALNAME:Luukku: Aino Virtanen" in feed.unfolded()


async def test_reschedule_keeps_the_uid_and_raises_the_sequence(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    created = await book(client, WINTER_START)
    uid = event_uid(str(created["reference"]))
    token = await issue_feed_token(advisor, NOW, settings)
    before = (await get_feed(client, token, ical_js)).events[uid]

    clock.current = NOW + timedelta(hours=1)
    moved = await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-12-02T13:00:00+02:00"},
        headers=manage(created),
    )
    assert moved.status_code == 200, moved.text

    feed = await get_feed(client, token, ical_js)
    assert list(feed.events) == [uid]
    after = feed.events[uid]
    assert after.start == datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    assert after.last_modified == after.stamp == NOW + timedelta(hours=1)
    assert after.sequence > before.sequence


async def test_cancelled_booking_stays_as_cancelled_for_30_days(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    created = await book(client, WINTER_START)
    kept = await book(client, "2026-12-03T10:00:00+02:00")
    uid = event_uid(str(created["reference"]))
    cancelled = await client.post(
        f"/api/v1/bookings/{created['reference']}/cancel", json={}, headers=manage(created)
    )
    assert cancelled.status_code == 200, cancelled.text
    token = await issue_feed_token(advisor, NOW, settings)

    event = (await get_feed(client, token, ical_js)).events[uid]
    assert event.status == "CANCELLED"
    assert event.summary.startswith("PERUTTU: Rahoitusneuvonta")
    clock.current = NOW + timedelta(days=29)
    assert (await get_feed(client, token, ical_js)).events[uid].status == "CANCELLED"

    clock.current = NOW + timedelta(days=31)
    assert list((await get_feed(client, token, ical_js)).events) == [
        event_uid(str(kept["reference"]))
    ]


async def test_feed_reaches_30_days_back(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    await book(client, WINTER_START)
    token = await issue_feed_token(advisor, NOW, settings)
    clock.current = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)  # 29 days 23 h after its end
    assert len((await get_feed(client, token, ical_js)).events) == 1
    clock.current = datetime(2026, 12, 31, 9, 0, 1, tzinfo=UTC)
    assert (await get_feed(client, token, ical_js)).events == {}


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [
        ("none", [], ["Maija", "Mehiläinen", "Hunaja", "maija@example.com", "+358407654321"]),
        (
            "first_name",
            ["Maija (Hunaja Oy)"],
            ["Mehiläinen", "maija@example.com", "+358407654321", "2617416-4"],
        ),
        (
            "full",
            ["Maija Mehiläinen (Hunaja Oy)", "maija@example.com", "+358407654321", "2617416-4"],
            [],
        ),
    ],
)
async def test_customer_details_follow_the_experts_privacy_level(
    client: Client,
    advisor: int,
    ical_js: Path,
    level: str,
    shown: list[str],
    hidden: list[str],
    settings: Settings,
):
    await book(client, WINTER_START, customer=MAYA)
    token = await issue_feed_token(advisor, NOW, settings)
    default = await get_feed(client, token, ical_js)
    assert "Maija (Hunaja Oy)" in default.text  # first name and company unless chosen otherwise

    await Expert.update({Expert.feed_shows_customer: level}).where(Expert.id == advisor)
    feed = await get_feed(client, token, ical_js)

    [event] = feed.events.values()
    texts = event.summary + "\n" + event.description
    for text in shown:
        assert text in texts
    for text in hidden:
        assert text not in feed.text.replace("\r\n ", "")


async def test_feed_speaks_the_language_of_the_experts_staff_login(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    await StaffUser.insert(
        StaffUser(
            email="aino@example.fi",
            name="Aino Virtanen",
            password_hash="-",
            roles=["expert"],
            expert=advisor,
            language="sv",
        )
    )
    created = await book(client, WINTER_START, channel="phone")
    token = await issue_feed_token(advisor, NOW, settings)

    event = (await get_feed(client, token, ical_js)).events[event_uid(str(created["reference"]))]

    assert event.summary == "Finansieringsrådgivning – Matti (Meikäläinen Oy)"
    assert "Tjänst: Finansieringsrådgivning\nKanal: Telefon" in event.description
    assert event.url == f"https://luukku.test/staff/bookings/{created['reference']}"
    assert event.location == ""


async def test_line_breaks_in_customer_data_stay_inside_one_property_value(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    await Expert.update({Expert.feed_shows_customer: "full"}).where(Expert.id == advisor)
    attack = "Maija\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:pwned"
    created = await book(client, WINTER_START, customer={**MAYA, "name": attack})
    # The API folds whitespace; a row written some other way may still hold raw line breaks.
    second = await book(client, "2026-12-02T10:00:00+02:00", customer=MAYA)
    await Booking.update(
        {
            Booking.customer_name: attack,
            Booking.customer_company: "Hunaja Oy\u2028BEGIN:VEVENT\rX;Y,Z\\N",
        }
    ).where(Booking.reference == second["reference"])
    token = await issue_feed_token(advisor, NOW, settings)

    feed = await get_feed(client, token, ical_js)

    assert set(feed.events) == {
        event_uid(str(created["reference"])),
        event_uid(str(second["reference"])),
    }
    assert feed.unfolded().count("BEGIN:VEVENT") == 2
    raw = feed.events[event_uid(str(second["reference"]))]
    assert raw.summary.endswith(
        "Maija\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil\nSUMMARY:pwned"
        " (Hunaja Oy\nBEGIN:VEVENT\nX;Y,Z\\N)"
    )


async def test_agency_feed_holds_every_expert_of_the_agency(
    client: Client, agency: int, ical_js: Path, settings: Settings
):
    first = await make_expert(agency, "Eka Asiantuntija")
    second = await make_expert(agency, "Toka Asiantuntija")
    await make_service(agency, horizon_days=400)
    other_agency = await make_agency("other-agency")
    outsider = await make_expert(other_agency, "Ulko Puolinen")
    await make_service(other_agency, "other-funding", horizon_days=400)
    await Expert.update({Expert.feed_shows_customer: "none"}).where(Expert.id == second)
    one = await book(client, WINTER_START, expert_id=first, customer=MAYA)
    two = await book(client, WINTER_START, expert_id=second, customer=MAYA)
    await book(client, WINTER_START, service="other-funding", expert_id=outsider)
    token = await issue_agency_feed_token(agency, NOW, settings)

    feed = await get_feed(client, token, ical_js)

    assert set(feed.events) == {event_uid(str(one["reference"])), event_uid(str(two["reference"]))}
    assert "X-WR-CALNAME:Luukku: Elinkeinopalvelut" in feed.unfolded()
    first_event = feed.events[event_uid(str(one["reference"]))]
    second_event = feed.events[event_uid(str(two["reference"]))]
    assert first_event.summary == "Rahoitusneuvonta – Eka Asiantuntija – Maija (Hunaja Oy)"
    assert second_event.summary == "Rahoitusneuvonta – Toka Asiantuntija"
    assert "Maija" not in second_event.description


async def test_feed_size_is_bounded(client: Client, advisor: int, agency: int, settings: Settings):
    service = await Service.select(Service.id).first()
    assert service is not None
    start = NOW + timedelta(days=1)
    rows = [
        Booking(
            reference=f"LK-{n:04d}-TEST",
            service=service["id"],
            expert=advisor,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=30),
            channel="video",
            language="fi",
            customer_name="Ö" * 200,
            customer_company="Ä" * 200,
            customer_email="asiakas@example.com",
            privacy_notice_version="2026-11",
            manage_token_hash="0" * 64,
            video_url="https://video.test/luukku-" + "x" * 40,
            created_at=NOW,
            updated_at=NOW,
        )
        for n in range(MAX_FEED_EVENTS + 50)
    ]
    for chunk in range(0, len(rows), 500):
        await Booking.insert(*rows[chunk : chunk + 500])
    await Expert.update({Expert.feed_shows_customer: "full"}).where(Expert.id == advisor)
    token = await issue_feed_token(advisor, NOW, settings)

    response = await client.get(f"/feeds/{token}.ics")

    assert response.status_code == 200
    assert len(response.content) < MAX_FEED_BYTES
    check_bytes(response.content)
    events = read_with_icalendar(response.content)
    assert 100 < len(events) <= MAX_FEED_EVENTS
    # The far future is left out first.
    assert sorted(events) == sorted(event_uid(f"LK-{n:04d}-TEST") for n in range(len(events)))


# --- tokens and HTTP ----------------------------------------------------------------------


async def test_unchanged_feed_is_byte_identical_with_a_stable_strong_etag(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    await book(client, WINTER_START)
    token = await issue_feed_token(advisor, NOW, settings)

    first = await get_feed(client, token, ical_js)
    clock.current = NOW + timedelta(hours=5)
    second = await get_feed(client, token, ical_js)

    assert second.response.content == first.response.content
    etag = first.response.headers["etag"]
    assert second.response.headers["etag"] == etag
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.response.headers["last-modified"] == format_datetime(NOW, usegmt=True)
    assert "no-cache" in first.response.headers["cache-control"]


async def test_conditional_gets(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    await book(client, WINTER_START)
    token = await issue_feed_token(advisor, NOW, settings)
    clock.current = NOW + timedelta(hours=1)
    feed = await get_feed(client, token, ical_js)
    etag, last_modified = feed.response.headers["etag"], feed.response.headers["last-modified"]
    url = f"/feeds/{token}.ics"

    async def status(**headers: str) -> int:
        response = await client.get(url, headers=headers)
        if response.status_code == 304:
            assert response.content == b""
            assert response.headers["etag"] == etag
        return response.status_code

    assert await status(**{"If-None-Match": etag}) == 304
    assert await status(**{"If-None-Match": f'"other", W/{etag}'}) == 304
    assert await status(**{"If-None-Match": '"other"'}) == 200
    assert await status(**{"If-Modified-Since": last_modified}) == 304
    later = format_datetime(NOW + timedelta(minutes=30), usegmt=True)
    assert await status(**{"If-Modified-Since": later}) == 304
    earlier = format_datetime(NOW - timedelta(seconds=1), usegmt=True)
    assert await status(**{"If-Modified-Since": earlier}) == 200
    assert await status(**{"If-Modified-Since": "not a date"}) == 200
    assert await status(**{"If-Modified-Since": "Sun, 99 Foo 2026 99:99:99 GMT"}) == 200
    future = format_datetime(NOW + timedelta(days=2), usegmt=True)
    assert await status(**{"If-Modified-Since": future}) == 200
    # If-None-Match decides when both are sent.
    assert await status(**{"If-None-Match": '"other"', "If-Modified-Since": last_modified}) == 200


async def test_a_change_answers_the_old_etag_with_the_new_feed(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    await book(client, WINTER_START)
    token = await issue_feed_token(advisor, NOW, settings)
    old = await get_feed(client, token, ical_js)
    old_etag = old.response.headers["etag"]
    assert (
        await client.get(f"/feeds/{token}.ics", headers={"If-None-Match": old_etag})
    ).status_code == 304

    clock.current = NOW + timedelta(minutes=10)
    await book(client, "2026-12-02T10:00:00+02:00")
    new = await get_feed(client, token, ical_js, **{"If-None-Match": old_etag})

    assert len(new.events) == 2
    assert new.response.headers["etag"] != old_etag
    assert new.response.headers["last-modified"] == format_datetime(clock.current, usegmt=True)

    # A renamed service changes no booking row, yet the feed follows.
    await Service.update({Service.name_fi: "Kasvuneuvonta"}, force=True)
    renamed = await get_feed(
        client, token, ical_js, **{"If-None-Match": new.response.headers["etag"]}
    )
    assert all(e.summary.startswith("Kasvuneuvonta") for e in renamed.events.values())


async def test_a_change_stamped_before_the_latest_one_still_changes_the_feed(
    client: Client, clock: FixedClock, advisor: int, ical_js: Path, settings: Settings
):
    first = await book(client, WINTER_START, customer=MAYA)
    clock.current = NOW + timedelta(hours=1)
    await book(client, "2026-12-02T10:00:00+02:00")
    token = await issue_feed_token(advisor, NOW, settings)
    etag = (await get_feed(client, token, ical_js)).response.headers["etag"]

    # Committed last but stamped with an earlier clock reading: the latest change stays the same.
    await Booking.update(
        {Booking.customer_company: "Kukka Oy", Booking.updated_at: NOW + timedelta(minutes=30)}
    ).where(Booking.reference == first["reference"])
    feed = await get_feed(client, token, ical_js, **{"If-None-Match": etag})

    assert "Maija (Kukka Oy)" in feed.events[event_uid(str(first["reference"]))].summary


async def test_empty_feed_is_last_modified_at_the_token_creation(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    issued_at = NOW - timedelta(days=3)
    token = await issue_feed_token(advisor, issued_at, settings)
    feed = await get_feed(client, token, ical_js)
    assert feed.events == {}
    assert feed.response.headers["last-modified"] == format_datetime(issued_at, usegmt=True)


async def test_a_new_token_replaces_the_old_url(
    client: Client, advisor: int, ical_js: Path, settings: Settings
):
    old = await issue_feed_token(advisor, NOW, settings)
    new = await issue_feed_token(advisor, NOW, settings)
    assert old != new
    assert len(new) >= 43

    gone = await client.get(f"/feeds/{old}.ics")
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")
    await get_feed(client, new, ical_js)


async def test_feed_url(settings: Settings):
    assert feed_url(settings, "abc") == "https://luukku.test/feeds/abc.ics"


@pytest.mark.parametrize(
    "path",
    [
        f"/feeds/{secrets.token_urlsafe(32)}.ics",
        "/feeds/short.ics",
        "/feeds/.ics",
        "/feeds/%0d%0a.ics",
        "/feeds/x",
    ],
)
async def test_unknown_feed_is_a_404_problem(
    client: Client, advisor: int, path: str, settings: Settings
):
    await issue_feed_token(advisor, NOW, settings)
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 404
    assert problem["title"]


async def test_unknown_token_without_ics_suffix_is_404(
    client: Client, advisor: int, settings: Settings
):
    token = await issue_feed_token(advisor, NOW, settings)
    assert (await client.get(f"/feeds/{token}")).status_code == 404
    assert (await client.get(f"/feeds/{token}.ical")).status_code == 404


async def test_token_for_an_unknown_expert_is_not_found(db: None, settings: Settings):
    from luukku.problems import NotFound

    with pytest.raises(NotFound):
        await issue_feed_token(999_999, NOW, settings)
    with pytest.raises(NotFound):
        await issue_agency_feed_token(999_999, NOW, settings)


async def test_feed_route_is_in_the_openapi_document(client: Client):
    schema = (await client.get("/schema/openapi.json")).json()
    [path] = [p for p in schema["paths"] if p.startswith("/feeds/")]
    assert "304" in schema["paths"][path]["get"]["responses"]


# --- the writer on its own ----------------------------------------------------------------


def _event(**changes: object) -> FeedEvent:
    values: dict[str, object] = {
        "uid": "LK-ABCD-EFGH@luukku",
        "sequence": 2,
        "status": "CONFIRMED",
        "start": datetime(2026, 12, 1, 8, tzinfo=UTC),
        "end": datetime(2026, 12, 1, 9, tzinfo=UTC),
        "summary": "Rahoitusneuvonta – Maija (Hunaja Oy)",
        "description": "Palvelu: Rahoitusneuvonta\nKanava: Video\n"
        "Varaus: https://luukku.test/staff/bookings/LK-ABCD-EFGH",
        "location": "https://video.test/luukku-abc",
        "url": "https://video.test/luukku-abc",
        "conference_url": "https://video.test/luukku-abc",
        "last_modified": datetime(2026, 11, 23, 8, tzinfo=UTC),
    }
    values.update(changes)
    return FeedEvent(**values)  # type: ignore[arg-type]


def icalendar_reference(calendar: FeedCalendar) -> bytes:
    """The same calendar built with icalendar's components and serialised by icalendar."""
    reference = icalendar.Calendar()
    reference.add("version", "2.0")
    reference.add("prodid", PRODID)
    reference.add("calscale", "GREGORIAN")
    # As TEXT: icalendar would write an X- property's line break unescaped (and refuse to).
    reference.add("name", icalendar.vText(plain_text(calendar.name)))
    reference.add("x-wr-calname", icalendar.vText(plain_text(calendar.name)))
    reference.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    reference.add("x-published-ttl", icalendar.vDuration(timedelta(minutes=15)))
    for event in calendar.events:
        component = icalendar.Event()
        component.add("uid", event.uid)
        component.add("sequence", event.sequence)
        component.add("dtstamp", event.last_modified)
        component.add("last-modified", event.last_modified)
        component.add("dtstart", event.start)
        component.add("dtend", event.end)
        component.add("status", event.status)
        component.add("transp", "TRANSPARENT" if event.status == "CANCELLED" else "OPAQUE")
        component.add("summary", plain_text(event.summary))
        for name, text in (("description", event.description), ("location", event.location)):
            if text:
                component.add(name, plain_text(text))
        if event.url:
            component.add("url", icalendar.vUri(event.url))
        if event.conference_url:
            component.add(
                "conference",
                icalendar.vUri(event.conference_url),
                parameters={"VALUE": "URI", "FEATURE": "VIDEO"},
            )
        reference.add_component(component)
    return bytes(reference.to_ical(sorted=False))


def test_writer_matches_icalendars_own_serialisation():
    calendar = FeedCalendar(
        name="Luukku: Aino Virtanen",
        events=(_event(), _event(uid="LK-2@luukku", status="CANCELLED", description="")),
    )
    assert render_feed(calendar).body == icalendar_reference(calendar)


# icalendar reads a typed backslash-N as a line break; the writer keeps it (see notifications.ical).
def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(max_size=max_size).filter(lambda text: "\\N" not in plain_text(text))


_TEXT = _text(400)


@hypothesis_settings(max_examples=300, deadline=None)
@given(summary=_TEXT, description=_TEXT, location=_text(100), name=_TEXT)
def test_writer_matches_icalendar_for_any_text(
    summary: str, description: str, location: str, name: str
):
    calendar = FeedCalendar(
        name=name,
        events=(_event(summary=summary, description=description, location=location),),
    )
    assert render_feed(calendar).body == icalendar_reference(calendar)


def test_writer_refuses_naive_times_and_backwards_events():
    with pytest.raises(ValueError, match="aware"):
        _event(start=datetime(2026, 12, 1, 8))  # noqa: DTZ001
    with pytest.raises(ValueError, match="ends before"):
        _event(end=datetime(2026, 12, 1, 7, tzinfo=UTC))


def test_writer_leaves_out_events_beyond_the_size_limit():
    events = tuple(
        _event(
            uid=f"LK-{n:04d}@luukku",
            start=NOW + timedelta(hours=n),
            end=NOW + timedelta(hours=n, minutes=30),
        )
        for n in range(100)
    )
    rendered = render_feed(FeedCalendar(name="x", events=events), max_bytes=20_000)
    assert len(rendered.body) < 20_000
    assert 0 < rendered.included < 100
    assert list(read_with_icalendar(rendered.body)) == [e.uid for e in events[: rendered.included]]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=120))
def test_any_text_stays_one_value_of_one_event(summary: str, location: str):
    body = render_feed(
        FeedCalendar(name=location, events=(_event(summary=summary, location=location),))
    ).body
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == plain_text(summary)
    assert str(event.get("LOCATION", "")) == plain_text(location)
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 8, tzinfo=UTC)
