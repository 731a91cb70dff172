"""One calendar event of a booking or a joint session, as the feeds and the customer's
calendar file show it: the row's identity, times and state, with the words around it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from booking.bookings.lifecycle import BookingView
from notifications.ical import EventStatus, FeedCalendar, FeedEvent, event_uid, render_feed


def row_event(
    row: dict[str, Any],
    *,
    title: str,
    cancelled_label: str,
    lines: list[str],
    location: str,
    link: str,
) -> FeedEvent:
    """The event of a booking's or a joint session's feed row (`reference`, `sequence`,
    `status`, `starts_at`, `ends_at`, `updated_at`); a cancelled one says so in its title."""
    cancelled = row["status"] == "cancelled"
    status: EventStatus = "CANCELLED" if cancelled else "CONFIRMED"
    return FeedEvent(
        uid=event_uid(row["reference"]),
        sequence=row["sequence"],
        status=status,
        start=row["starts_at"],
        end=row["ends_at"],
        summary=f"{cancelled_label}: {title}" if cancelled else title,
        description="\n".join(lines),
        location=location,
        url=link,
        conference_url=link,
        last_modified=row["updated_at"],
    )


def customer_calendar_file(view: BookingView, language: str, manage_url: str) -> bytes:
    """The customer's own calendar file of a booking (`calendar.ics` on its pages): the same
    event identity as the invitation, so importing both keeps one event."""
    row = {
        "reference": view.reference,
        "sequence": 0,
        "status": "confirmed",
        "starts_at": view.start,
        "ends_at": view.end,
        "updated_at": view.start,
    }
    name = view.service_name.get(language)
    event = row_event(
        row,
        title=name,
        cancelled_label="",
        lines=[view.reference, manage_url],
        location=view.video_url,
        link=view.video_url,
    )
    # The file keeps the manage page as its address, the meeting as its conference.
    event = replace(event, url=manage_url)
    return render_feed(FeedCalendar(name=name, events=(event,))).body
