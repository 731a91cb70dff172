"""What a retiring expert leaves behind: their future bookings, moved to a colleague or
cancelled by staff, each batch all or nothing, and their future joint remote sessions, in
which someone takes their place (booking.joint.changes.replace_participant)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Column

from booking.bookings.lifecycle import BookingView, bookings_of_expert
from booking.bookings.locking import booking_transaction, lock_bookings, lock_resources
from booking.bookings.notices import notify_change
from booking.bookings.reservations import expert_resource, release
from booking.bookings.substitutes import reassign
from booking.catalogue.services import get_service_by_id
from booking.history.events import Actor, Event, record_event
from booking.joint.sessions import JointSessionView, joint_sessions_of_expert
from booking.tables import Booking
from calendars.directory import expert_in_scope
from luukku.problems import FieldError, InvalidInput, NotFound
from luukku.settings import Settings
from notifications.outbox import Change
from security import audit
from staff.accounts import StaffMember

FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)


async def future_bookings(member: StaffMember, expert_id: int, now: datetime) -> list[BookingView]:
    """The expert's confirmed bookings that have not started, soonest first."""
    await expert_in_scope(member, expert_id)
    views = await bookings_of_expert(expert_id, now, FAR_FUTURE)
    return [v for v in views if v.status == "confirmed" and v.start > now]


async def future_joint_sessions(
    member: StaffMember, expert_id: int, settings: Settings, now: datetime
) -> list[JointSessionView]:
    """The confirmed joint sessions the expert takes part in that have not started, soonest
    first."""
    await expert_in_scope(member, expert_id)
    views = await joint_sessions_of_expert(expert_id, now, FAR_FUTURE, settings)
    return [v for v in views if v.status == "confirmed" and v.start > now]


async def _rows(expert_id: int, references: Sequence[str], now: datetime) -> list[dict[str, Any]]:
    """Inside booking_transaction(), first: the chosen future bookings, locked."""
    if not references:
        raise InvalidInput.field("references", "choose at least one booking")
    rows = await lock_bookings(
        (Booking.expert == expert_id)
        & (Booking.status == "confirmed")
        & (Booking.starts_at > now)
        & Booking.reference.is_in(sorted(set(references)))
    )
    found = {row["reference"] for row in rows}
    missing = sorted(set(references) - found)
    if missing:
        raise NotFound(
            f"No future booking {missing[0]} of this expert.",
            [FieldError("references", f"unknown booking {missing[0]}")],
        )
    return sorted(rows, key=lambda row: row["starts_at"])


async def move_to_colleague(
    member: StaffMember,
    expert_id: int,
    references: Sequence[str],
    colleague_id: int,
    settings: Settings,
    now: datetime,
) -> list[str]:
    """Move these future bookings to a colleague who is free for every one, or move none
    (409 naming the first clash). Customers and both experts are told."""
    await expert_in_scope(member, expert_id)
    if colleague_id == expert_id:
        raise InvalidInput.field("colleague_id", "choose someone else")
    await expert_in_scope(member, colleague_id, "colleague_id")
    async with booking_transaction():
        rows = await _rows(expert_id, references, now)
        await lock_resources([expert_resource(expert_id), expert_resource(colleague_id)])
        moved = await reassign(rows, expert_id, colleague_id, settings, now)
    await audit.record(audit.staff_actor(member), "change", f"expert:{expert_id}", " ".join(moved))
    return moved


async def cancel_by_staff(
    member: StaffMember,
    expert_id: int,
    references: Sequence[str],
    reason: str,
    settings: Settings,
    now: datetime,
) -> list[str]:
    """Cancel these future bookings on the service's side; the customers are told."""
    await expert_in_scope(member, expert_id)
    cancelled: list[str] = []
    async with booking_transaction():
        rows = await _rows(expert_id, references, now)
        await lock_resources([expert_resource(expert_id)])
        for row in rows:
            changes: dict[Column | str, Any] = {
                "status": "cancelled",
                "cancel_reason": reason.strip()[:500],
                "cancelled_at": now,
                "updated_at": now,
                "sequence": row["sequence"] + 1,
            }
            await Booking.update(changes).where(Booking.id == row["id"])
            await release(row["id"])
            await record_event(row["id"], Event.CANCELLED, Actor.STAFF, now)
            await notify_change(
                Change.CANCELLED,
                {**row, **{str(key): value for key, value in changes.items()}},
                await get_service_by_id(row["service"]),
                settings,
                now,
            )
            cancelled.append(row["reference"])
    await audit.record(
        audit.staff_actor(member), "change", f"expert:{expert_id}", " ".join(cancelled)
    )
    return cancelled
