"""Staff views of bookings (an expert's own, and those caught inside an absence) and the
public meeting-link route of bookings and joint sessions alike."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_303_SEE_OTHER

from booking.agenda.agenda import expert_agenda
from booking.agenda.meetings import meeting_for
from booking.bookings.answers import booking_out
from booking.bookings.schemas import (
    BookingOut,
    CustomerOut,
    DeliveryProblemOut,
    ExpertOut,
    JointPeerOut,
    JointSessionPart,
)
from booking.bookings.substitutes import bookings_inside_absence, move_to_substitute
from booking.joint.sessions import JointSessionView, ParticipantView
from luukku.clock import Clock
from luukku.database import RowId
from luukku.local_time import default_zone, search_range
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import StaffMember


class MyBookingsController(Controller):
    path = "/api/v1/staff/me/bookings"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/", summary="Your own bookings in a date range (Helsinki dates, end inclusive)")
    async def my_bookings(
        self,
        request: Request[StaffMember, Token, Any],
        settings: NamedDependency[Settings],
        start: FromQuery[date],
        end: FromQuery[date],
    ) -> list[BookingOut]:
        member = request.user
        if member.expert_id is None:
            return []
        range_start, range_end = search_range(start, end, default_zone(settings), settings)
        agenda = await expert_agenda(member, member.expert_id, range_start, range_end, settings)
        views, joint, problems = agenda.bookings, agenda.joint_sessions, agenda.problems
        entries = [
            msgspec.structs.replace(
                booking_out(view, settings, for_expert=True),
                delivery_problems=[
                    DeliveryProblemOut(
                        kind=problem.kind,
                        recipient=problem.recipient,
                        attempts=problem.attempts,
                        error=problem.error,
                        due_at=problem.due_at,
                    )
                    for problem in problems.get(view.reference, [])
                ],
            )
            for view in views
        ] + [joint_session_entry(view, member.expert_id) for view in joint]
        return sorted(entries, key=lambda entry: entry.start)


def joint_session_entry(view: JointSessionView, expert_id: int) -> BookingOut:
    """A joint session as one entry of an expert's schedule: the matter, the customer's name,
    who else takes part, and the expert's own join link (never the others')."""
    zone = ZoneInfo(view.timezone)
    people = [*view.participants, *([view.interpreter] if view.interpreter else [])]
    [me] = [person for person in people if person.expert_id == expert_id]

    def peer(person: ParticipantView) -> JointPeerOut:
        return JointPeerOut(expert_id=person.expert_id, name=person.name, agency=person.agency)

    return BookingOut(
        reference=view.reference,
        status=view.status,
        start=view.start.astimezone(zone),
        end=view.end.astimezone(zone),
        channel="video",
        language=view.customer_language,
        service="joint-session",
        expert=ExpertOut(id=me.expert_id, name=me.name),
        customer=CustomerOut(
            name=view.customer_name,
            email=None,
            phone=None,
            company=None,
            business_id=None,
            language=view.customer_language,
        ),
        kind="joint_session",
        joint_session=JointSessionPart(
            service_point=view.service_point,
            room=view.room,
            matter=view.matter,
            participants=[peer(p) for p in view.participants],
            interpreter=peer(view.interpreter) if view.interpreter else None,
            interpreter_language=view.interpreter_language,
            join_url=me.join_url,
        ),
    )


class MovedOut(msgspec.Struct):
    moved: list[str]


class AbsenceBookingsController(Controller):
    """Bookings caught inside an absence, and moving them to the named substitute."""

    path = "/api/v1/staff/absences/{absence_id:int}"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/bookings", summary="Confirmed bookings inside an absence, for reassignment")
    async def inside(
        self,
        request: Request[StaffMember, Token, Any],
        settings: NamedDependency[Settings],
        absence_id: RowId,
    ) -> list[BookingOut]:
        views = await bookings_inside_absence(request.user, absence_id)
        return [booking_out(view, settings, for_expert=True) for view in views]

    @post(
        "/move-to-substitute",
        summary="Move them all to the substitute",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def move(
        self,
        request: Request[StaffMember, Token, Any],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        absence_id: RowId,
    ) -> MovedOut:
        moved = await move_to_substitute(request.user, absence_id, settings, clock.now())
        return MovedOut(moved=moved)


@get(
    "/join/{token:str}",
    summary="Open a video meeting link",
    description=(
        "Checks the personal link (its session still on, at the time it was issued for, "
        "from 15 minutes before the start to 30 minutes after the end) and redirects to the "
        "meeting. 404 for an invalid link, 403 before it opens, 410 after cancellation, a move "
        "or the end."
    ),
    opt={"public": True, "problems": (403, 410)},
    guards=[rate_limited("manage")],
    tags=["public"],
    status_code=HTTP_303_SEE_OTHER,
)
async def join_meeting(
    token: FromPath[str], settings: NamedDependency[Settings], clock: NamedDependency[Clock]
) -> Redirect:
    return Redirect(await meeting_for(token, settings, clock.now()), status_code=HTTP_303_SEE_OTHER)
