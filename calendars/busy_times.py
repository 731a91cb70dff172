"""Busy times read from an expert's own calendar: an iCalendar file or a CalDAV answer
parsed, recurring events expanded within bounds, overlapping intervals merged. Pure: bytes in,
UTC intervals out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

MAX_BUSY_INTERVALS = 20_000
"""More busy times than this in the window is not a person's calendar; the sync fails."""


MAX_RECURRING_SERIES = 5_000


_FRANTIC_FREQUENCIES = frozenset({"SECONDLY", "MINUTELY"})


# Expansion goes a chunk at a time, so a feed with too many occurrences fails early.
_CHUNK = timedelta(days=31)


# Floating times are compared in the query's zone; reading a day more each side and cutting
# after conversion keeps events at the window's edges.
EDGE = timedelta(days=1)


_DAV = "{DAV:}"


_CALDAV = "{urn:ietf:params:xml:ns:caldav}"


class CalendarUnreadable(Exception):
    """The source answered, but not with a calendar Luukku can read; the message is stored."""


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value in UTC: floating times and dates are the expert's local time."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _blocks(event: icalendar.cal.Component) -> bool:
    # Luukku's own bookings, written back by the CalDAV push, are already reservations.
    if str(event.get("UID", "")).endswith(LUUKKU_UID_SUFFIX):
        return False
    if str(event.get("TRANSP", "")).strip().upper() == "TRANSPARENT":
        return False
    if str(event.get("STATUS", "")).strip().upper() == "CANCELLED":
        return False
    # Outlook marks "Free" appointments this way, sometimes without TRANSP.
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).strip().upper() != "FREE"


def _check_rules(calendar: icalendar.Calendar) -> None:
    """Refuse feeds whose expansion alone would be a denial of service."""
    series = 0
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        if rules is None:
            continue
        series += 1
        for rule in rules if isinstance(rules, list) else [rules]:
            frequencies = {str(f).upper() for f in rule.get("FREQ", [])}
            if frequencies & _FRANTIC_FREQUENCIES:
                raise CalendarUnreadable("an event repeats more often than hourly")
    if series > MAX_RECURRING_SERIES:
        raise CalendarUnreadable(f"more than {MAX_RECURRING_SERIES} recurring events")


def _parse(ics: bytes) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(ics)
    except Exception as exc:  # the parser's errors vary; all mean the same to the expert
        raise CalendarUnreadable(f"not an iCalendar file ({exc})") from exc
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise CalendarUnreadable("not an iCalendar file (no VCALENDAR)")
    return calendar


def _chunks(start: datetime, end: datetime) -> Iterable[Interval]:
    while start < end:
        yield start, min(start + _CHUNK, end)
        start += _CHUNK


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _expand(
    calendars: Sequence[icalendar.Calendar],
    window_start: datetime,
    window_end: datetime,
    zone: ZoneInfo,
) -> list[Interval]:
    found: set[Interval] = set()
    for calendar in calendars:
        try:
            _check_rules(calendar)
            query = recurring_ical_events.of(calendar)
            for chunk_start, chunk_end in _chunks(window_start - EDGE, window_end + EDGE):
                for event in query.between(chunk_start, chunk_end):
                    if not _blocks(event):
                        continue
                    start = max(_instant(event.start, zone), window_start)
                    end = min(_instant(event.end, zone), window_end)
                    if start < end:
                        found.add((start, end))
                if len(found) > MAX_BUSY_INTERVALS:
                    raise CalendarUnreadable(
                        f"more than {MAX_BUSY_INTERVALS} busy times in {WINDOW_AHEAD.days} days"
                    )
        except CalendarUnreadable:
            raise
        except Exception as exc:  # bad RRULEs, dates, zones: the library's errors vary
            raise CalendarUnreadable(f"the calendar has a malformed event ({exc})") from exc
    return _merged(found)


def busy_intervals(
    ics: bytes, window_start: datetime, window_end: datetime, default_tz: ZoneInfo | str
) -> list[Interval]:
    """The busy times of an iCalendar file within [window_start, window_end), in UTC, sorted
    and merged where they overlap.

    Recurring events are expanded with their EXDATEs and overridden instances; floating times
    and all-day events are read in `default_tz` (the expert's zone), an all-day event blocking
    the whole local day(s). Transparent ("free") and cancelled events do not block.
    Raises CalendarUnreadable for anything that is not a readable calendar.
    """
    zone = default_tz if isinstance(default_tz, ZoneInfo) else ZoneInfo(default_tz)
    return _expand([_parse(ics)], window_start, window_end, zone)


def _multistatus_calendars(body: bytes) -> list[bytes]:
    """The calendar-data of each resource in a CalDAV REPORT answer."""
    try:
        # The standard parser is safe here: expat ≥ 2.4.1 (Python 3.11 ships 2.5) limits entity
        # expansion, and ElementTree never fetches external entities.
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError as exc:
        raise CalendarUnreadable(f"not a CalDAV answer ({exc})") from exc
    if root.tag != f"{_DAV}multistatus":
        raise CalendarUnreadable("not a CalDAV answer (no multistatus)")
    documents = []
    for propstat in root.iter(f"{_DAV}propstat"):
        status = propstat.findtext(f"{_DAV}status", default="")
        if " 200 " not in f"{status} ":
            continue
        for data in propstat.iter(f"{_CALDAV}calendar-data"):
            if data.text and data.text.strip():
                documents.append(data.text.encode("utf-8"))
    return documents


def caldav_busy(
    body: bytes, window_start: datetime, window_end: datetime, zone: ZoneInfo
) -> list[Interval]:
    calendars = [_parse(document) for document in _multistatus_calendars(body)]
    return _expand(calendars, window_start, window_end, zone)


def ical_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


LUUKKU_UID_SUFFIX = "@luukku"


WINDOW_AHEAD = timedelta(days=400)


Interval = tuple[datetime, datetime]
