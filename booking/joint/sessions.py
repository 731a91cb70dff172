"""Joint remote sessions: booked all or nothing, read, cancelled, and joined by link.

Booking takes the room, every expert and the interpreter in one transaction through the same
reservations as ordinary bookings (same locks, same exclusion constraint on PostgreSQL), so a
joint session and an ordinary booking can never hold the same person at once. If anyone is no
longer free, nothing is reserved and the 409 names who.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from booking.bookings.customers import Customer
from booking.bookings.locking import (
    booking_transaction,
    check_rows_first,
    lock_resources,
    locked,
)
from booking.bookings.references import new_reference
from booking.bookings.reservations import clear_expired_holds, expert_resource
from booking.engine.availability import Interval, free_among
from booking.joint.notices import notify_joint_change
from booking.joint.search import (
    INTERPRETER,
    Participant,
    ServicePointInfo,
    agencies_by_slug,
    candidates_per_agency,
    interpreters_for,
    joint_rules,
    load_resources,
    room_resource,
    service_point_info,
)
from booking.joint.tables import JointParticipant, JointSession
from booking.tables import Reservation
from booking.video.rooms import (
    Attendee,
    customer_attendee,
    expert_attendee,
    join_token,
    join_url,
    new_room_name,
)
from calendars.schedules import ExpertProfile
from calendars.service_points import PointRoom
from luukku.problems import (
    Conflict,
    FieldError,
    InvalidInput,
    NotAllowed,
    NotFound,
    SlotTaken,
)
from luukku.settings import Settings
from notifications.outbox import Change
from security import audit
from staff.accounts import StaffMember

LONGEST_SESSION = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class JointRequest:
    """A slot from the search, as the clerk books it for a customer; times aware."""

    service_point: str
    start: datetime
    end: datetime
    room: str
    participants: tuple[Participant, ...]
    customer: Customer
    matter: str
    interpreter_id: int | None = None
    interpreter_language: str | None = None


@dataclass(frozen=True, slots=True)
class ParticipantView:
    expert_id: int
    name: str
    agency: str
    role: str
    join_url: str


@dataclass(frozen=True, slots=True)
class JointSessionView:
    reference: str
    status: str
    service_point: str
    room: str
    start: datetime
    end: datetime
    timezone: str
    matter: str
    customer_name: str
    customer_language: str
    customer_join_url: str
    participants: tuple[ParticipantView, ...]
    """The agencies' experts, in the order booked."""
    interpreter: ParticipantView | None
    interpreter_language: str


async def audited(
    member: StaffMember, action: str, detail: str, view: JointSessionView
) -> JointSessionView:
    """Record in the audit log that `member` looked at or changed the session (its customer's
    data), once per use case, and pass the session on."""
    await audit.record(audit.staff_actor(member), action, f"joint-session:{view.reference}", detail)
    return view


def check_point_access(member: StaffMember, point_id: int) -> None:
    """Admins act for every service point; a clerk only for their own."""
    if member.has_role("admin"):
        return
    if member.has_role("service_point_clerk") and member.service_point_id == point_id:
        return
    raise NotAllowed("Only the service point's own clerks arrange its joint sessions.")


def _duration(start: datetime, end: datetime) -> timedelta:
    duration = end - start
    if duration <= timedelta(0):
        raise InvalidInput.field("end", "must be after start")
    if duration > LONGEST_SESSION:
        raise InvalidInput.field("end", "a joint session lasts at most 8 hours")
    return duration


async def _people(request: JointRequest) -> tuple[list[ExpertProfile], ExpertProfile | None]:
    """The participants' and interpreter's profiles, each checked to be who the slot says."""
    slugs = [p.agency for p in request.participants]
    if not slugs:
        raise InvalidInput.field("participants", "name one expert of each agency")
    agencies = await agencies_by_slug(slugs)
    pool = await candidates_per_agency(agencies, [])
    experts = []
    for index, (participant, agency) in enumerate(zip(request.participants, agencies, strict=True)):
        expert = next((e for e in pool[agency.id] if e.id == participant.expert_id), None)
        if expert is None:
            raise NotFound(
                f"Expert {participant.expert_id} is not a video advisor of {agency.slug}.",
                [FieldError(f"participants.{index}.expert_id", "not an expert of that agency")],
            )
        experts.append(expert)
    language, interpreter_id = request.interpreter_language, request.interpreter_id
    if not language:
        if interpreter_id is not None:
            raise InvalidInput.field("interpreter_language", "name the language to interpret")
        return experts, None
    if interpreter_id is None:
        raise InvalidInput.field("interpreter_id", "choose an interpreter for the language")
    interpreter = next(
        (i for i in await interpreters_for(language) if i.id == interpreter_id), None
    )
    if interpreter is None:
        raise NotFound(
            f"Interpreter {interpreter_id} does not interpret {language!r}.",
            [FieldError("interpreter_id", "no such interpreter for the language")],
        )
    return experts, interpreter


async def book_joint_session(
    request: JointRequest, member: StaffMember, settings: Settings, now: datetime
) -> JointSessionView:
    """Reserve the room, the experts and the interpreter at once, or nothing (SlotTaken)."""
    point = await service_point_info(request.service_point, request.room)
    check_point_access(member, point.id)
    duration = _duration(request.start, request.end)
    experts, interpreter = await _people(request)
    people = [*experts, *([interpreter] if interpreter else [])]
    [room] = point.rooms
    async with booking_transaction():
        await lock_resources(
            [room_resource(room.id), *(expert_resource(person.id) for person in people)]
        )
        await ensure_everyone_free(
            point, room, experts, interpreter, request.start, duration, now, "Nothing was booked"
        )
        customer = request.customer
        session = JointSession(
            reference=new_reference(),
            service_point=point.id,
            room=room.id,
            starts_at=request.start,
            ends_at=request.end,
            matter=request.matter.strip(),
            interpreter_language=request.interpreter_language or "",
            customer_name=customer.name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_company=customer.company,
            customer_business_id=customer.business_id,
            customer_language=customer.language,
            video_room=new_room_name(),
            booked_by=member.id,
            created_at=now,
            updated_at=now,
        )
        await session.save()
        await JointParticipant.insert(
            *(
                JointParticipant(
                    joint_session=session.id,
                    expert=person.id,
                    agency=person.agency_id,
                    role=INTERPRETER if person is interpreter else "expert",
                )
                for person in people
            )
        )
        await hold(session.id, room.id, people, (request.start, request.end), now)
        await notify_joint_change(Change.CREATED, session.id, settings, now)
    return await audited(member, "change", "booked", await _view(session.reference, settings))


async def ensure_everyone_free(
    point: ServicePointInfo,
    room: PointRoom,
    experts: Sequence[ExpertProfile],
    interpreter: ExpertProfile | None,
    start: datetime,
    duration: timedelta,
    now: datetime,
    outcome: str,
) -> None:
    """Inside a booking transaction, after locking them: SlotTaken naming everyone who is not
    free for [start, start + duration), the fields as in the booking request."""
    people = [*experts, *([interpreter] if interpreter else [])]
    resources = await load_resources(point, people, start, start + duration, now)
    rules = joint_rules(duration)
    taken = []
    if not free_among(resources.rooms[room.id], rules, [start], now):
        taken.append(FieldError("room", f"room {room.name} is not free then"))
    for index, expert in enumerate(experts):
        if not free_among(resources.people[expert.id], rules, [start], now):
            field = f"participants.{index}.expert_id"
            taken.append(FieldError(field, f"{expert.name} is not free then"))
    if interpreter and not free_among(resources.people[interpreter.id], rules, [start], now):
        taken.append(FieldError("interpreter_id", f"{interpreter.name} is not free then"))
    if taken:
        raise SlotTaken(f"{outcome}: {', '.join(error.message for error in taken)}.", taken)


async def hold(
    session_id: int,
    room_id: int,
    people: Sequence[ExpertProfile],
    interval: tuple[datetime, datetime],
    now: datetime,
) -> None:
    """Reserve [start, end) of the room and of everyone for the session (expired customer
    holds in the way are cleared first: they no longer hold the time)."""
    start, end = interval
    resources = [room_resource(room_id), *(expert_resource(person.id) for person in people)]
    for resource in resources:
        await clear_expired_holds(resource, Interval(start, end), now)
    await Reservation.insert(
        *(
            Reservation(resource=resource, starts_at=start, ends_at=end, joint_session=session_id)
            for resource in resources
        )
    )


async def lock_joint_session(reference: str) -> bool:
    """Inside booking_transaction(), first (booking/bookings/locking.py): lock one joint
    session by reference; False when there is none. Read it afterwards with session_row (its
    joined view cannot be locked in one statement)."""
    check_rows_first("a joint session")
    rows = await locked(
        JointSession.select(JointSession.id).where(JointSession.reference == reference)
    )
    return bool(rows)


def _session_rows() -> Any:
    """Joint sessions with what their views name: the point's slug and zone, the room's slug."""
    return JointSession.select(
        *JointSession.all_columns(),
        JointSession.service_point.slug.as_alias("point_slug"),
        JointSession.service_point.timezone.as_alias("point_timezone"),
        JointSession.room.slug.as_alias("room_slug"),
    )


async def session_row(reference: str) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await _session_rows().where(JointSession.reference == reference.strip().upper()).first()
    )
    if row is None:
        raise NotFound(f"No joint session {reference}.")
    return row


async def _view(reference: str, settings: Settings) -> JointSessionView:
    row = await session_row(reference)
    return await session_view(row, settings)


async def session_view(row: dict[str, Any], settings: Settings) -> JointSessionView:
    participants = (
        await JointParticipant.select(
            JointParticipant.expert,
            JointParticipant.role,
            JointParticipant.expert.name.as_alias("name"),
            JointParticipant.expert.email.as_alias("email"),
            JointParticipant.agency.slug.as_alias("agency_slug"),
        )
        .where(JointParticipant.joint_session == row["id"])
        .order_by(JointParticipant.id)
    )
    start, end, room = row["starts_at"], row["ends_at"], row["video_room"]

    def link(attendee: Attendee) -> str:
        return join_url(settings, join_token(settings, room, attendee, start, end))

    views = [
        ParticipantView(
            expert_id=p["expert"],
            name=p["name"],
            agency=p["agency_slug"],
            role=p["role"],
            join_url=link(expert_attendee(p["expert"], p["name"], p["email"])),
        )
        for p in participants
    ]
    customer = customer_attendee(row["customer_name"], row["customer_email"])
    return JointSessionView(
        reference=row["reference"],
        status=row["status"],
        service_point=row["point_slug"],
        room=row["room_slug"],
        start=start,
        end=end,
        timezone=row["point_timezone"],
        matter=row["matter"],
        customer_name=row["customer_name"],
        customer_language=row["customer_language"],
        customer_join_url=link(customer),
        participants=tuple(v for v in views if v.role != INTERPRETER),
        interpreter=next((v for v in views if v.role == INTERPRETER), None),
        interpreter_language=row["interpreter_language"],
    )


async def visible_session(reference: str, member: StaffMember) -> dict[str, Any]:
    """The session, if the member arranges it (clerk of its point, admin) or takes part."""
    row = await session_row(reference)
    if member.has_role("admin") or (
        member.has_role("service_point_clerk") and member.service_point_id == row["service_point"]
    ):
        return row
    if member.expert_id is not None and await JointParticipant.exists().where(
        (JointParticipant.joint_session == row["id"])
        & (JointParticipant.expert == member.expert_id)
    ):
        return row
    raise NotFound(f"No joint session {reference}.")


async def get_joint_session(
    reference: str, member: StaffMember, settings: Settings
) -> JointSessionView:
    return await audited(
        member, "view", "", await session_view(await visible_session(reference, member), settings)
    )


async def cancel_joint_session(
    reference: str, reason: str, member: StaffMember, settings: Settings, now: datetime
) -> JointSessionView:
    """Cancel the whole session and free everyone's time; cancelling again changes nothing."""
    row = await visible_session(reference, member)
    check_point_access(member, row["service_point"])
    async with booking_transaction():
        await lock_joint_session(row["reference"])
        current = await session_row(row["reference"])
        if current["status"] == "cancelled":
            return await audited(
                member, "change", "cancelled", await session_view(current, settings)
            )
        if current["ends_at"] <= now:
            raise Conflict("The session is over; it cannot be cancelled.")
        await JointSession.update(
            {
                JointSession.status: "cancelled",
                JointSession.cancel_reason: reason.strip(),
                JointSession.cancelled_at: now,
                JointSession.updated_at: now,
                JointSession.sequence: current["sequence"] + 1,
            }
        ).where(JointSession.id == current["id"])
        await Reservation.delete().where(Reservation.joint_session == current["id"])
        await notify_joint_change(Change.CANCELLED, current["id"], settings, now)
    return await audited(member, "change", "cancelled", await _view(row["reference"], settings))


async def joint_sessions_of_expert(
    expert_id: int, start: datetime, end: datetime, settings: Settings
) -> list[JointSessionView]:
    """The joint sessions an expert (or interpreter) takes part in, starting in [start, end),
    cancelled ones included, by start."""
    taking_part = JointParticipant.select(JointParticipant.joint_session).where(
        JointParticipant.expert == expert_id
    )
    rows = await (
        _session_rows()
        .where(
            JointSession.id.is_in(taking_part)
            & (JointSession.starts_at >= start)
            & (JointSession.starts_at < end)
        )
        .order_by(JointSession.starts_at)
    )
    return [await session_view(row, settings) for row in rows]


async def upcoming_at_point(
    point_id: int, now: datetime, until: datetime, settings: Settings
) -> list[JointSessionView]:
    """The service point's confirmed joint sessions not yet over, starting before `until`."""
    rows = await (
        _session_rows()
        .where(
            (JointSession.service_point == point_id)
            & (JointSession.status == "confirmed")
            & (JointSession.ends_at > now)
            & (JointSession.starts_at < until)
        )
        .order_by(JointSession.starts_at)
    )
    return [await session_view(row, settings) for row in rows]
