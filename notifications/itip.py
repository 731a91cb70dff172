"""Calendar invitations in email (iTIP over iMIP, RFC 5546 and RFC 6047).

A booking's invitation has the same UID as its event in the staff feeds (`event_uid`), one
SEQUENCE (the booking's, which rises on every change of time, expert or status) and times in
UTC, so Outlook, Gmail and Apple Mail update one event instead of adding another. `REQUEST`
for a new or changed booking, `CANCEL` with `STATUS:CANCELLED` for a cancelled one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from icalendar import Calendar, Event, vCalAddress

from notifications.ical import PRODID, event_uid, plain_text
from notifications.outbox import BookingSnapshot, Person

Method = Literal["REQUEST", "CANCEL"]


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = " ".join(plain_text(name).split())
    return address


def invitation(
    method: Method,
    booking: BookingSnapshot,
    organizer: Person,
    attendee: Person,
    summary: str,
    description: str,
    stamp: datetime,
) -> str:
    """The iCalendar object of one iTIP message, CRLF line ends."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", event_uid(booking.reference))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("summary", plain_text(summary))
    if description:
        event.add("description", plain_text(description))
    event.add("organizer", _address(organizer.email, organizer.name))
    attendee_address = _address(attendee.email, attendee.name)
    attendee_address.params.update(
        {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    )
    event.add("attendee", attendee_address)
    if booking.location:
        event.add("location", plain_text(booking.location))
    if booking.video_url:
        event.add("url", booking.video_url)
        event.add("conference", booking.video_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    if method == "CANCEL":
        event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body.decode()
