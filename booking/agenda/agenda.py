"""An expert's agenda: their own bookings and joint sessions in a range, with any messages
about them that could not be delivered; reading it is recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.bookings.lifecycle import BookingView, bookings_of_expert
from booking.joint.sessions import JointSessionView, joint_sessions_of_expert
from luukku.settings import Settings
from notifications.outbox import DeliveryProblem, delivery_problems
from security import audit
from staff.accounts import StaffMember


@dataclass(frozen=True, slots=True)
class Agenda:
    bookings: list[BookingView]
    joint_sessions: list[JointSessionView]
    problems: dict[str, list[DeliveryProblem]]
    """Undelivered messages by booking reference."""


async def expert_agenda(
    member: StaffMember, expert_id: int, start: datetime, end: datetime, settings: Settings
) -> Agenda:
    """What `expert_id` has from `start` to `end`, as `member` (that expert) reads it."""
    views = await bookings_of_expert(expert_id, start, end)
    joint = await joint_sessions_of_expert(expert_id, start, end, settings)
    problems = await delivery_problems([view.reference for view in views])
    seen = [view.reference for view in views] + [view.reference for view in joint]
    if seen:
        await audit.record(audit.staff_actor(member), "view", f"expert:{expert_id}", " ".join(seen))
    return Agenda(views, joint, problems)
