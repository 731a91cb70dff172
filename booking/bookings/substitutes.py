"""Substitutes: who covers an absent expert's bookings, and moving bookings onto them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Column

from booking.bookings.lifecycle import BookingView, bookings_of_expert
from booking.bookings.locking import booking_transaction, lock_bookings, lock_resources
from booking.bookings.notices import notify_change
from booking.bookings.reservations import expert_resource, release, reserve
from booking.catalogue.services import get_service_by_id
from booking.engine.availability import Interval
from booking.history.events import Actor, Event, record_event
from booking.tables import Booking, Reservation
from calendars.absences import AbsenceCover, absence_by_id
from calendars.directory import expert_in_scope
from luukku.instants import clamped
from luukku.problems import FieldError, InvalidInput, NotFound, SlotTaken
from luukku.settings import Settings
from notifications.outbox import Change
from security import audit
from staff.accounts import StaffMember


async def _absence(member: StaffMember, absence_id: int) -> AbsenceCover:
    found = await absence_by_id(absence_id)
    if found is None:
        raise NotFound(f"No absence {absence_id}.")
    owner = member.expert_id == found.expert_id
    if not owner and not member.has_role("admin", "agency_admin"):
        raise NotFound(f"No absence {absence_id}.")
    if not owner:
        await expert_in_scope(member, found.expert_id)
    return found


async def bookings_inside_absence(member: StaffMember, absence_id: int) -> list[BookingView]:
    """Confirmed bookings of the absent expert that fall inside the absence."""
    absence = await _absence(member, absence_id)
    # Clamped: an absence may be stored from year one (luukku.instants).
    views = await bookings_of_expert(
        absence.expert_id, clamped(absence.start) - timedelta(days=1), clamped(absence.end)
    )
    inside = [
        view
        for view in views
        if view.status == "confirmed" and view.start < absence.end and view.end > absence.start
    ]
    if inside:
        references = " ".join(view.reference for view in inside)
        await audit.record(audit.staff_actor(member), "view", f"absence:{absence_id}", references)
    return inside


async def move_to_substitute(
    member: StaffMember, absence_id: int, settings: Settings, now: datetime
) -> list[str]:
    """Move every future confirmed booking inside the absence to its substitute, all or none.

    The substitute must be free (their reservations, buffers included); a clash answers 409
    naming the booking and nothing moves. Answers the moved references.
    """
    absence = await _absence(member, absence_id)
    substitute = absence.substitute_id
    if substitute is None:
        raise InvalidInput.field("substitute_id", "name a substitute for the absence first")
    async with booking_transaction():
        # The bookings first, then the two experts' time (booking/bookings/locking.py): a
        # reschedule or cancel of one of them either ends before this reads it or waits.
        rows = await lock_bookings(
            (Booking.expert == absence.expert_id)
            & (Booking.status == "confirmed")
            & (Booking.starts_at < absence.end)
            & (Booking.ends_at > absence.start)
            & (Booking.starts_at > now)
        )
        await lock_resources([expert_resource(absence.expert_id), expert_resource(substitute)])
        moved = await reassign(rows, absence.expert_id, substitute, settings, now)
    if moved:
        await audit.record(
            audit.staff_actor(member), "change", f"absence:{absence_id}", " ".join(moved)
        )
    return moved


async def reassign(
    rows: list[dict[str, Any]], expert_id: int, substitute: int, settings: Settings, now: datetime
) -> list[str]:
    """Inside a booking transaction holding both experts' locks: move these bookings of
    `expert_id` to `substitute`, who must be free for each (a clash raises SlotTaken naming
    the booking, and the caller's transaction undoes the rest). The moved references."""
    moved: list[str] = []
    for row in rows:
        held = await Reservation.select(Reservation.starts_at, Reservation.ends_at).where(
            Reservation.booking == row["id"]
        )
        await release(row["id"])
        for interval in held:
            try:
                await reserve(
                    expert_resource(substitute),
                    Interval(interval["starts_at"], interval["ends_at"]),
                    row["id"],
                    now,
                )
            except SlotTaken as exc:
                raise SlotTaken(
                    f"The substitute is not free for booking {row['reference']}.",
                    [FieldError("substitute_id", f"busy at booking {row['reference']}")],
                ) from exc
        changes: dict[Column | str, Any] = {
            "expert": substitute,
            "sequence": row["sequence"] + 1,
            "updated_at": now,
        }
        await Booking.update(changes).where(Booking.id == row["id"])
        await record_event(row["id"], Event.EXPERT_CHANGED, Actor.STAFF, now)
        await notify_change(
            Change.REASSIGNED,
            {**row, "expert": substitute, "sequence": row["sequence"] + 1},
            await get_service_by_id(row["service"]),
            settings,
            now,
            previous_expert_id=expert_id,
        )
        moved.append(row["reference"])
    return moved
