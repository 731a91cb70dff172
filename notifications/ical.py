"""iCalendar subscription feeds (RFC 5545, RFC 7986): plain event data in, the feed's bytes out.

Pure: no database, no clock, nothing from `booking`. The caller decides which events a feed
holds; this module decides how they are written. Everything is UTC (`...Z`), so a feed needs
no VTIMEZONE and every client lands each event on the same instant.

The feed carries no METHOD: it is a published calendar, not an iTIP message. (`METHOD:PUBLISH`
would oblige every event to name an ORGANIZER; `METHOD:REQUEST` would make clients treat the
feed as invitations.)

Content lines are written here rather than through `icalendar.Component` trees, which cost
about 0.25 ms an event (a 1,500-event feed would spend 400 ms there). The bytes are the same as
icalendar's own serialisation of the same calendar, folding included; the tests check that, and
parse every feed with icalendar, vobject and ical.js. (TEXT escaping differs in one place on
purpose, see `_text`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import quote

from icalendar import vDuration

PRODID = "-//Luukku//Luukku//FI"
REFRESH_INTERVAL = timedelta(minutes=15)
"""How often a client should fetch the feed again (REFRESH-INTERVAL and X-PUBLISHED-TTL)."""
UID_DOMAIN = "luukku"

EventStatus = Literal["CONFIRMED", "CANCELLED"]

# RFC 5545 3.1: a content line SHOULD NOT exceed 75 octets. icalendar folds before the 75th
# octet of each segment, so a line of up to 74 octets is written as it is.
_LONGEST_UNFOLDED = 74
_CRLF = b"\r\n"
_END = b"END:VCALENDAR\r\n"
# Every way text can break a line (Python's str.splitlines() set): all become one "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters are not allowed in TEXT (RFC 5545 3.3.11); HTAB is.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and "%").
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


def event_uid(reference: str) -> str:
    """The UID of a booking's event for the booking's whole life.

    Email invitations (iTIP, in `notifications`) must use the same UID, so that a calendar
    holding both the invitation and the feed treats them as one event.
    """
    return f"{reference}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One event of a feed; times are aware datetimes, written in UTC."""

    uid: str
    sequence: int
    """Rises with every change attendees should see (RFC 5545 SEQUENCE)."""
    status: EventStatus
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    url: str
    conference_url: str
    """A video meeting link, written as RFC 7986 CONFERENCE; empty when there is none."""
    last_modified: datetime
    """When the event last changed: DTSTAMP and LAST-MODIFIED, so an unchanged feed stays
    byte-identical."""

    def __post_init__(self) -> None:
        for name in ("start", "end", "last_modified"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"FeedEvent.{name} must be an aware datetime, not {value!r}")
        if self.end <= self.start:
            raise ValueError(f"FeedEvent {self.uid!r} ends before it starts")
        if self.sequence < 0:
            raise ValueError(f"FeedEvent {self.uid!r} has a negative sequence")


@dataclass(frozen=True, slots=True)
class FeedCalendar:
    """A calendar to subscribe to: its display name and its events in order of priority."""

    name: str
    events: tuple[FeedEvent, ...]
    refresh_interval: timedelta = REFRESH_INTERVAL


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    """A feed's bytes; `included` leading events of the calendar fitted in the size limit."""

    body: bytes
    included: int


def render_feed(calendar: FeedCalendar, max_bytes: int | None = None) -> RenderedFeed:
    """The calendar as iCalendar bytes, CRLF line ends, lines folded at 75 octets.

    With `max_bytes`, events are taken in the calendar's order while the whole feed stays
    under `max_bytes` bytes; the rest are left out (put the events that matter most first).
    """
    head = b"".join(_line(line) for line in _calendar_lines(calendar))
    budget = None if max_bytes is None else max_bytes - len(head) - len(_END)
    if budget is not None and budget < 0:
        raise ValueError(f"max_bytes={max_bytes} cannot hold even an empty calendar")
    parts = [head]
    used = 0
    included = 0
    for event in calendar.events:
        block = b"".join(_line(line) for line in _event_lines(event))
        if budget is not None and used + len(block) >= budget:
            break
        parts.append(block)
        used += len(block)
        included += 1
    parts.append(_END)
    return RenderedFeed(body=b"".join(parts), included=included)


def _calendar_lines(calendar: FeedCalendar) -> Iterable[str]:
    refresh = vDuration(calendar.refresh_interval).to_ical().decode()  # type: ignore[no-untyped-call]
    name = _text(calendar.name)
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield f"PRODID:{PRODID}"
    yield "CALSCALE:GREGORIAN"
    yield f"NAME:{name}"
    yield f"X-WR-CALNAME:{name}"
    # RFC 7986 makes VALUE=DURATION mandatory here; icalendar's own setter leaves it out.
    yield f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}"
    # Outlook's older name for the same; a DURATION, which icalendar writes as 0:15:00.
    yield f"X-PUBLISHED-TTL:{refresh}"


def _event_lines(event: FeedEvent) -> Iterable[str]:
    stamp = _utc(event.last_modified)
    yield "BEGIN:VEVENT"
    yield f"UID:{_text(event.uid)}"
    yield f"SEQUENCE:{event.sequence}"
    yield f"DTSTAMP:{stamp}"
    yield f"LAST-MODIFIED:{stamp}"
    yield f"DTSTART:{_utc(event.start)}"
    yield f"DTEND:{_utc(event.end)}"
    yield f"STATUS:{event.status}"
    # A cancelled event must not make its time look busy in the subscriber's free/busy.
    yield f"TRANSP:{'TRANSPARENT' if event.status == 'CANCELLED' else 'OPAQUE'}"
    yield f"SUMMARY:{_text(event.summary)}"
    if event.description:
        yield f"DESCRIPTION:{_text(event.description)}"
    if event.location:
        yield f"LOCATION:{_text(event.location)}"
    if event.url:
        yield f"URL:{_uri(event.url)}"
    if event.conference_url:
        yield f"CONFERENCE;VALUE=URI;FEATURE=VIDEO:{_uri(event.conference_url)}"
    yield "END:VEVENT"


def _line(content: str) -> bytes:
    """One content line with its CRLF, folded when longer than 74 octets."""
    return _fold(content.encode()) + _CRLF


def _fold(line: bytes) -> bytes:
    """`line` folded as icalendar folds it (`Contentline.to_ical()`, the tests compare the
    two), at a tenth of the cost: segments of at most 74 octets, never inside a UTF-8
    character, and a backslash or caret that would end a segment starts the next one, so
    no escape is split across lines (clients tripped on that, icalendar issue #1501)."""
    if len(line) <= _LONGEST_UNFOLDED:
        return line
    segments = []
    start = 0
    while len(line) - start > _LONGEST_UNFOLDED:
        end = start + _LONGEST_UNFOLDED
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the cut is mid-character
            end -= 1
        if line[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        segments.append(line[start:end])
        start = end
    segments.append(line[start:])
    return b"\r\n ".join(segments)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def plain_text(value: str) -> str:
    """`value` as TEXT may hold it: every line break one "\\n", other control characters gone."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def _text(value: str) -> str:
    r"""An escaped TEXT value (RFC 5545 3.3.11).

    Not `icalendar.vText`: it reads a typed backslash-N as a line break, so "C:\Nordea" would
    come back as two lines.
    """
    return (
        plain_text(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _uri(value: str) -> str:
    """A URI value: anything a URI may not hold as it is (spaces, controls, quotes, non-ASCII)
    percent-encoded, so stored text can never end the line or the property."""
    return quote(value, safe=_URI_SAFE)
