"""Joint remote sessions over HTTP: common-slot search, all-or-nothing booking, reading and
cancelling (service-point clerks and admins), and the `/join/{token}` links participants open."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_200_OK

from booking.bookings.customers import clean_customer
from booking.bookings.schemas import AwareDateTime, CustomerIn, Slug
from booking.joint.changes import replace_participant, reschedule_joint_session
from booking.joint.search import JointQuery, Participant, search_joint_slots
from booking.joint.sessions import (
    JointRequest,
    JointSessionView,
    ParticipantView,
    book_joint_session,
    cancel_joint_session,
    check_point_access,
    get_joint_session,
)
from luukku.clock import Clock
from luukku.database import RowId
from luukku.instants import bounded
from luukku.local_time import search_range, zone_named
from luukku.settings import Settings
from luukku.wire import NO_NUL
from staff.accounts import StaffMember
from staff.auth import requires_role

LanguageTag = Annotated[
    str, msgspec.Meta(min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
]


class ParticipantIn(msgspec.Struct, forbid_unknown_fields=True):
    expert_id: RowId
    agency: Slug


class JointSearchIn(msgspec.Struct, forbid_unknown_fields=True):
    service_point: Slug
    agencies: Annotated[list[Slug], msgspec.Meta(min_length=1, max_length=6)]
    duration_minutes: Annotated[int, msgspec.Meta(ge=15, le=480)]
    start: date
    end: date
    room: Slug | None = None
    experts: Annotated[list[RowId], msgspec.Meta(max_length=6)] = msgspec.field(
        default_factory=list
    )
    interpreter_language: LanguageTag | None = None
    tz: Annotated[str, msgspec.Meta(max_length=64, pattern=NO_NUL)] | None = None


class ParticipantOut(msgspec.Struct):
    expert_id: int
    agency: str


class JointSlotOut(msgspec.Struct, omit_defaults=True):
    start: datetime
    end: datetime
    room: str
    participants: list[ParticipantOut]
    interpreter_id: int | None = None


class JointSlotList(msgspec.Struct):
    slots: list[JointSlotOut]


class JointCreateIn(msgspec.Struct, forbid_unknown_fields=True):
    service_point: Slug
    start: AwareDateTime
    end: AwareDateTime
    room: Slug
    participants: Annotated[list[ParticipantIn], msgspec.Meta(min_length=1, max_length=6)]
    customer: CustomerIn
    matter: Annotated[str, msgspec.Meta(max_length=4000, pattern=NO_NUL)] = ""
    interpreter_id: RowId | None = None
    interpreter_language: LanguageTag | None = None


class JointCancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=1000, pattern=NO_NUL)] = ""


class JointRescheduleIn(msgspec.Struct, forbid_unknown_fields=True):
    start: AwareDateTime


class JointReplaceIn(msgspec.Struct, forbid_unknown_fields=True):
    expert_id: RowId
    replacement_id: RowId | None = None


class JoinLinkOut(msgspec.Struct):
    expert_id: int
    agency: str
    name: str
    join_url: str


class JointSessionOut(msgspec.Struct):
    reference: str
    status: str
    service_point: str
    room: str
    start: datetime
    end: datetime
    matter: str
    customer_name: str
    customer_join_url: str
    participants: list[JoinLinkOut]
    interpreter: JoinLinkOut | None
    interpreter_language: str


def _link_out(view: ParticipantView) -> JoinLinkOut:
    return JoinLinkOut(view.expert_id, view.agency, view.name, view.join_url)


def _session_out(view: JointSessionView) -> JointSessionOut:
    zone = ZoneInfo(view.timezone)
    return JointSessionOut(
        reference=view.reference,
        status=view.status,
        service_point=view.service_point,
        room=view.room,
        start=view.start.astimezone(zone),
        end=view.end.astimezone(zone),
        matter=view.matter,
        customer_name=view.customer_name,
        customer_join_url=view.customer_join_url,
        participants=[_link_out(p) for p in view.participants],
        interpreter=_link_out(view.interpreter) if view.interpreter else None,
        interpreter_language=view.interpreter_language,
    )


class JointSessionController(Controller):
    path = "/api/v1/joint-sessions"
    tags = ("joint sessions",)  # type: ignore[assignment]
    guards = [requires_role("service_point_clerk", "admin")]  # noqa: RUF012

    @post(
        "/search",
        summary="Common free times of a room, experts and an interpreter",
        status_code=HTTP_200_OK,
    )
    async def search(
        self,
        request: Request[StaffMember, Token, Any],
        data: JSONBody[JointSearchIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> JointSlotList:
        zone = zone_named(data.tz or settings.default_timezone)
        start, end = search_range(data.start, data.end, zone, settings)
        query = JointQuery(
            service_point=data.service_point,
            room=data.room,
            agencies=tuple(data.agencies),
            experts=tuple(data.experts),
            interpreter_language=data.interpreter_language,
            duration=timedelta(minutes=data.duration_minutes),
            start=start,
            end=end,
        )
        slots = await search_joint_slots(
            query, clock.now(), lambda point: check_point_access(request.user, point.id)
        )
        return JointSlotList(
            slots=[
                JointSlotOut(
                    start=slot.start.astimezone(zone),
                    end=slot.end.astimezone(zone),
                    room=slot.room,
                    participants=[ParticipantOut(p.expert_id, p.agency) for p in slot.participants],
                    interpreter_id=slot.interpreter_id,
                )
                for slot in slots
            ]
        )

    @post(
        "/",
        summary="Book a joint session: everyone at once, or nobody (409)",
        status_code=201,
        opt={"problems": (409,)},
    )
    async def create(
        self,
        request: Request[StaffMember, Token, Any],
        data: JSONBody[JointCreateIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> JointSessionOut:
        customer = clean_customer(
            name=data.customer.name,
            email=data.customer.email,
            phone=data.customer.phone,
            company=data.customer.company,
            business_id=data.customer.business_id,
            language=data.customer.language or "fi",
        )
        booked = await book_joint_session(
            JointRequest(
                service_point=data.service_point,
                start=bounded(data.start, "start"),
                end=bounded(data.end, "end"),
                room=data.room,
                participants=tuple(Participant(p.expert_id, p.agency) for p in data.participants),
                customer=customer,
                matter=data.matter,
                interpreter_id=data.interpreter_id,
                interpreter_language=data.interpreter_language,
            ),
            request.user,
            settings,
            clock.now(),
        )
        return _session_out(booked)

    @get("/{reference:str}", summary="A joint session with everyone's join links")
    async def read(
        self,
        request: Request[StaffMember, Token, Any],
        reference: FromPath[str],
        settings: NamedDependency[Settings],
    ) -> JointSessionOut:
        view = await get_joint_session(reference, request.user, settings)
        return _session_out(view)

    @post(
        "/{reference:str}/cancel",
        summary="Cancel the whole session; everyone's time is freed",
        status_code=HTTP_200_OK,
        opt={"problems": (409,)},
    )
    async def cancel(
        self,
        request: Request[StaffMember, Token, Any],
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        data: JSONBody[JointCancelIn | None] = None,
    ) -> JointSessionOut:
        reason = data.reason if data else ""
        view = await cancel_joint_session(reference, reason, request.user, settings, clock.now())
        return _session_out(view)

    @post(
        "/{reference:str}/reschedule",
        summary="Move the whole session; everyone must be free at the new time, or nothing moves",
        status_code=HTTP_200_OK,
        opt={"problems": (409,)},
    )
    async def reschedule(
        self,
        request: Request[StaffMember, Token, Any],
        reference: FromPath[str],
        data: JSONBody[JointRescheduleIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> JointSessionOut:
        view = await reschedule_joint_session(
            reference, data.start, request.user, settings, clock.now()
        )
        return _session_out(view)

    @post(
        "/{reference:str}/replace",
        summary="Replace one participant by a free one of the same agency (or language)",
        status_code=HTTP_200_OK,
        opt={"problems": (409,)},
    )
    async def replace(
        self,
        request: Request[StaffMember, Token, Any],
        reference: FromPath[str],
        data: JSONBody[JointReplaceIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> JointSessionOut:
        view = await replace_participant(
            reference, data.expert_id, data.replacement_id, request.user, settings, clock.now()
        )
        return _session_out(view)
