"""Writing bookings into experts' own CalDAV calendars (those with `write_bookings`): which
bookings each calendar still needs, and the record of what it holds (CalendarPush).

The periodic job `push_bookings` puts each confirmed booking's event (same UID as the feeds,
SEQUENCE from the booking) and deletes the event of a cancelled booking or one handed to
another expert, so the expert sees a change without waiting for a feed subscription to
refresh. A booking whose `sequence` matches what was last written costs no request. A failed
write is recorded on the calendar and tried again on the next run.

Several workers may run it: each event is claimed (CalendarPush.claimed_at) before it is
written, and the booking is read again after the claim, so no worker writes an older version
over a newer one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from booking.tables import Booking, CalendarPush
from booking.video.rooms import expert_attendee, meeting_link
from calendars.caldav_push import BookingEvent, delete_event, event_href, event_ics, put_event
from calendars.caldav_targets import (
    CaldavTarget,
    clear_write_failure,
    lock_calendar,
    record_write_failure,
    writable_calendars,
)
from calendars.credentials import PasswordCipher
from calendars.fetching import Fetcher, FetchError
from luukku.database import write_transaction
from luukku.settings import Settings

logger = logging.getLogger(__name__)

WINDOW_BEFORE = timedelta(days=30)
"""Bookings that ended longer ago than this are not written any more."""
CLAIM_FOR = timedelta(minutes=5)
"""How long a worker's claim on one event holds; far longer than one request may take."""


_BOOKING_FIELDS = (
    Booking.id,
    Booking.reference,
    Booking.expert,
    Booking.status,
    Booking.sequence,
    Booking.starts_at,
    Booking.ends_at,
    Booking.updated_at,
    Booking.video_url,
    Booking.video_room,
    Booking.channel,
    Booking.expert.name.as_alias("expert_name"),
    Booking.expert.email.as_alias("expert_email"),
    Booking.service.name_fi.as_alias("service_name"),
)


def _wanted(booking: dict[str, Any], target: CaldavTarget) -> bool:
    """Whether the calendar should hold the booking's event."""
    return bool(booking["status"] == "confirmed" and booking["expert"] == target.expert_id)


def _event(booking: dict[str, Any], settings: Settings) -> BookingEvent:
    video_url = ""
    if booking["channel"] == "video":
        video_url = meeting_link(
            settings,
            booking["video_room"],
            booking["video_url"],
            expert_attendee(booking["expert"], booking["expert_name"], booking["expert_email"]),
            booking["starts_at"],
            booking["ends_at"],
        )
    return BookingEvent(
        reference=booking["reference"],
        sequence=booking["sequence"],
        start=booking["starts_at"],
        end=booking["ends_at"],
        summary=f"Luukku: {booking['service_name']}",
        description=f"Varaus {booking['reference']}",
        video_url=video_url,
        last_modified=booking["updated_at"],
    )


async def _work(target: CaldavTarget, now: datetime) -> list[int]:
    """The bookings whose event this calendar must write or delete."""
    bookings = await Booking.select(
        Booking.id, Booking.expert, Booking.status, Booking.sequence
    ).where((Booking.expert == target.expert_id) & (Booking.ends_at >= now - WINDOW_BEFORE))
    pushes = await CalendarPush.select(
        CalendarPush.booking,
        CalendarPush.pushed_sequence,
        CalendarPush.deleted,
        CalendarPush.booking.expert.as_alias("expert"),
        CalendarPush.booking.status.as_alias("status"),
    ).where(CalendarPush.calendar == target.calendar_id)
    pushed = {row["booking"]: row for row in pushes}
    due: list[int] = []
    for booking in bookings:
        push = pushed.get(booking["id"])
        if _wanted(booking, target) and (
            push is None or push["deleted"] or push["pushed_sequence"] != booking["sequence"]
        ):
            due.append(booking["id"])
    # Events written earlier whose booking was cancelled or moved to another expert, whenever.
    due.extend(row["booking"] for row in pushes if not row["deleted"] and not _wanted(row, target))
    return sorted(set(due))


async def _ensure_records(target: CaldavTarget, booking_ids: list[int]) -> None:
    """One CalendarPush row per booking and calendar: created under a lock on the calendar."""
    async with write_transaction(CalendarPush._meta.db):
        if not await lock_calendar(target.calendar_id):
            return
        existing = await CalendarPush.select(CalendarPush.booking).where(
            (CalendarPush.calendar == target.calendar_id) & CalendarPush.booking.is_in(booking_ids)
        )
        missing = set(booking_ids) - {row["booking"] for row in existing}
        if missing:
            await CalendarPush.insert(
                *(
                    CalendarPush(booking=booking_id, calendar=target.calendar_id)
                    for booking_id in sorted(missing)
                )
            )


async def _claim(target: CaldavTarget, booking_id: int, now: datetime) -> dict[str, Any] | None:
    """The CalendarPush row of the booking, claimed for this worker; None if another has it."""
    claimed = await (
        CalendarPush.update({CalendarPush.claimed_at: now})
        .where(
            (CalendarPush.calendar == target.calendar_id)
            & (CalendarPush.booking == booking_id)
            & (CalendarPush.claimed_at.is_null() | (CalendarPush.claimed_at <= now - CLAIM_FOR))
        )
        .returning(
            CalendarPush.id, CalendarPush.pushed_sequence, CalendarPush.etag, CalendarPush.deleted
        )
    )
    return claimed[0] if claimed else None


async def _push_one(
    target: CaldavTarget, booking_id: int, fetcher: Fetcher, settings: Settings, now: datetime
) -> bool:
    """Write or delete one booking's event; whether a request was made. Raises FetchError."""
    push = await _claim(target, booking_id, now)
    if push is None:
        return False
    done: dict[Any, Any] = {}
    requested = False
    try:
        booking = await Booking.select(*_BOOKING_FIELDS).where(Booking.id == booking_id).first()
        href = event_href(target.url, booking["reference"]) if booking else ""
        if booking is not None and _wanted(booking, target):
            if push["deleted"] or push["pushed_sequence"] != booking["sequence"]:
                requested = True
                etag = await put_event(
                    fetcher,
                    href,
                    event_ics(_event(booking, settings)),
                    etag="" if push["deleted"] else push["etag"],
                    auth=target.auth,
                )
                done = {
                    CalendarPush.pushed_sequence: booking["sequence"],
                    CalendarPush.etag: etag,
                    CalendarPush.deleted: False,
                }
        elif booking is not None and not push["deleted"]:
            requested = True
            await delete_event(fetcher, href, etag=push["etag"], auth=target.auth)
            done = {
                CalendarPush.pushed_sequence: booking["sequence"],
                CalendarPush.etag: "",
                CalendarPush.deleted: True,
            }
    finally:
        await CalendarPush.update({**done, CalendarPush.claimed_at: None}).where(
            CalendarPush.id == push["id"]
        )
    return requested


async def push_calendar(
    target: CaldavTarget, fetcher: Fetcher, settings: Settings, now: datetime
) -> int:
    """Bring one calendar up to date; the number of events written or deleted. Stops at the
    first failure, which is recorded on the calendar."""
    due = await _work(target, now)
    if not due:
        return 0
    await _ensure_records(target, due)
    written = 0
    for booking_id in due:
        try:
            written += await _push_one(target, booking_id, fetcher, settings, now)
        except FetchError as exc:
            logger.info("bookings not written to calendar %s: %s", target.calendar_id, exc)
            await record_write_failure(target.calendar_id, str(exc), now)
            return written
    await clear_write_failure(target.calendar_id)
    return written


async def push_bookings(fetcher: Fetcher, settings: Settings, now: datetime) -> int:
    """The periodic job: every CalDAV calendar with `write_bookings` brought up to date, one
    after another. The number of events written or deleted."""
    written = 0
    async for target in writable_calendars(PasswordCipher.from_settings(settings)):
        written += await push_calendar(target, fetcher, settings, now)
    return written
