"""Changing a booked joint session: move everyone to another time, or replace one participant
(absent, declined) with another free one of the same agency while the others keep theirs.

Each change is one booking transaction over the same reservations as booking, so it is all or
nothing: a 409 names who is not free and leaves the session as it was. Every change raises the
session's SEQUENCE; a move changes everyone's join links (the old ones then answer 410).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking.bookings.locking import booking_transaction, lock_resources
from booking.bookings.reservations import clear_expired_holds, expert_resource
from booking.engine.availability import Interval, free_among
from booking.joint.notices import notify_joint_change
from booking.joint.search import (
    INTERPRETER,
    AgencyRef,
    candidates_per_agency,
    interpreters_for,
    joint_rules,
    load_resources,
    room_resource,
    service_point_info,
)
from booking.joint.sessions import (
    JointSessionView,
    audited,
    check_point_access,
    ensure_everyone_free,
    hold,
    lock_joint_session,
    session_row,
    session_view,
    visible_session,
)
from booking.joint.tables import JointParticipant, JointSession
from booking.tables import Reservation
from calendars.bookable_experts import active_experts
from calendars.experts import expert_contacts
from calendars.schedules import ExpertProfile
from luukku.instants import bounded
from luukku.problems import Conflict, FieldError, NotFound, SlotTaken
from luukku.settings import Settings
from notifications.outbox import Change
from staff.accounts import StaffMember


async def _arranged(
    reference: str, member: StaffMember, replacing: int | None = None
) -> dict[str, Any]:
    """The session, if the member arranges it (the point's clerk, an admin) or, to replace
    one of their agency's experts in it (retiring them, say), is that agency's admin."""
    if replacing is not None and member.has_role("agency_admin") and member.agency_id:
        row = await session_row(reference)
        if await JointParticipant.exists().where(
            (JointParticipant.joint_session == row["id"])
            & (JointParticipant.expert == replacing)
            & (JointParticipant.agency == member.agency_id)
        ):
            return row
    row = await visible_session(reference, member)
    check_point_access(member, row["service_point"])
    return row


async def _changeable(
    reference: str, member: StaffMember, now: datetime, replacing: int | None = None
) -> dict[str, Any]:
    """Inside the change's transaction, first: the session, locked and re-read, if it may
    still change (booking/bookings/locking.py)."""
    row = await _arranged(reference, member, replacing)
    await lock_joint_session(row["reference"])
    current = await session_row(row["reference"])
    if current["status"] == "cancelled":
        raise Conflict("A cancelled session cannot be changed; book a new one.")
    if current["starts_at"] <= now:
        raise Conflict("The session has already started; it cannot be changed.")
    return current


async def _participants(session_id: int) -> list[dict[str, Any]]:
    return await (
        JointParticipant.select(
            JointParticipant.id,
            JointParticipant.expert,
            JointParticipant.role,
            JointParticipant.agency,
            JointParticipant.agency.slug.as_alias("agency_slug"),
        )
        .where(JointParticipant.joint_session == session_id)
        .order_by(JointParticipant.id)
    )


async def _touch(session: dict[str, Any], now: datetime, **changes: Any) -> None:
    await JointSession.update(
        {
            JointSession.sequence: session["sequence"] + 1,
            JointSession.updated_at: now,
            **{getattr(JointSession, name): value for name, value in changes.items()},
        }
    ).where(JointSession.id == session["id"])


async def reschedule_joint_session(
    reference: str, start: datetime, member: StaffMember, settings: Settings, now: datetime
) -> JointSessionView:
    """Move the whole session (same room, same people, same length) to `start`."""
    start = bounded(start, "start")
    async with booking_transaction():
        session = await _changeable(reference, member, now)
        point = await service_point_info(session["point_slug"], session["room_slug"])
        [room] = point.rooms
        rows = await _participants(session["id"])
        profiles = {p.id: p for p in await active_experts(row["expert"] for row in rows)}
        missing = [row["expert"] for row in rows if row["expert"] not in profiles]
        if missing:
            raise Conflict(
                f"Experts {missing} no longer work here; replace them before moving the session."
            )
        experts = [profiles[row["expert"]] for row in rows if row["role"] != INTERPRETER]
        interpreters = [profiles[row["expert"]] for row in rows if row["role"] == INTERPRETER]
        interpreter = interpreters[0] if interpreters else None
        await lock_resources(
            [room_resource(room.id), *(expert_resource(expert_id) for expert_id in profiles)]
        )
        duration = session["ends_at"] - session["starts_at"]
        await Reservation.delete().where(Reservation.joint_session == session["id"])
        await ensure_everyone_free(
            point, room, experts, interpreter, start, duration, now, "Nothing was moved"
        )
        await hold(session["id"], room.id, list(profiles.values()), (start, start + duration), now)
        await _touch(session, now, starts_at=start, ends_at=start + duration)
        await notify_joint_change(Change.RESCHEDULED, session["id"], settings, now)
    return await audited(
        member,
        "change",
        "rescheduled",
        await session_view(await session_row(session["reference"]), settings),
    )


async def _replacements(row: dict[str, Any], language: str) -> list[ExpertProfile]:
    if row["role"] == INTERPRETER:
        return await interpreters_for(language)
    agency = AgencyRef(row["agency"], row["agency_slug"])
    return (await candidates_per_agency([agency], []))[agency.id]


async def replace_participant(
    reference: str,
    expert_id: int,
    replacement_id: int | None,
    member: StaffMember,
    settings: Settings,
    now: datetime,
) -> JointSessionView:
    """Put another free expert of the same agency (or another interpreter of the language) in
    `expert_id`'s place: the named one, else the least loaded; the others keep their time.
    The point's clerks and admins may, and the admin of `expert_id`'s agency."""
    async with booking_transaction():
        session = await _changeable(reference, member, now, replacing=expert_id)
        rows = await _participants(session["id"])
        leaving = next((row for row in rows if row["expert"] == expert_id), None)
        if leaving is None:
            raise NotFound(
                f"Expert {expert_id} does not take part in this session.",
                [FieldError("expert_id", "not a participant")],
            )
        taking_part = {row["expert"] for row in rows}
        candidates = [
            c
            for c in await _replacements(leaving, session["interpreter_language"])
            if c.id not in taking_part and replacement_id in (None, c.id)
        ]
        if replacement_id is not None and not candidates:
            raise NotFound(
                f"Expert {replacement_id} cannot stand in for {expert_id} here.",
                [FieldError("replacement_id", "not of the same agency, or already taking part")],
            )
        await lock_resources(expert_resource(c.id) for c in candidates)
        start, end = session["starts_at"], session["ends_at"]
        point = await service_point_info(session["point_slug"], session["room_slug"])
        resources = await load_resources(point, candidates, start, end, now)
        rules = joint_rules(end - start)
        free = [c for c in candidates if free_among(resources.people[c.id], rules, [start], now)]
        if not free:
            field = "replacement_id" if replacement_id is not None else "expert_id"
            raise SlotTaken(
                "Nobody who could stand in is free then; nothing was changed.",
                [FieldError(field, "no one free at the session's time")],
            )
        chosen = min(free, key=lambda c: (resources.load[expert_resource(c.id)], c.id))
        await Reservation.delete().where(
            (Reservation.joint_session == session["id"])
            & (Reservation.resource == expert_resource(expert_id))
        )
        await clear_expired_holds(expert_resource(chosen.id), Interval(start, end), now)
        await Reservation.insert(
            Reservation(
                resource=expert_resource(chosen.id),
                starts_at=start,
                ends_at=end,
                joint_session=session["id"],
            )
        )
        await JointParticipant.update({JointParticipant.expert: chosen.id}).where(
            JointParticipant.id == leaving["id"]
        )
        await _touch(session, now)
        gone = (await expert_contacts([expert_id]))[expert_id]
        await notify_joint_change(
            Change.REASSIGNED,
            session["id"],
            settings,
            now,
            joining=chosen.id,
            leaving=(expert_id, gone.name, gone.email),
        )
    return await audited(
        member,
        "change",
        "participant replaced",
        await session_view(await session_row(session["reference"]), settings),
    )


async def stand_ins(
    reference: str, member: StaffMember, only: int | None = None
) -> dict[int, list[tuple[int, str]]]:
    """For each participant of a session the member arranges (or `only` that one, whom the
    member may replace): (id, name) of those who could take their place (same agency, or
    interpreters of the same language), not yet taking part. Whether they are free is
    checked when the clerk replaces."""
    row = await _arranged(reference, member, only)
    rows = await _participants(row["id"])
    taking_part = {r["expert"] for r in rows}
    return {
        r["expert"]: [
            (c.id, c.name)
            for c in await _replacements(r, row["interpreter_language"])
            if c.id not in taking_part
        ]
        for r in rows
        if only in (None, r["expert"])
    }
