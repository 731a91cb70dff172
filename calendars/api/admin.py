"""Administration API of the calendars domain: agencies, experts, absences, service points."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post, put
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token

from calendars import directory
from calendars.directory import create_expert_from
from calendars.schemas import (
    AbsenceIn,
    AgencyIn,
    Created,
    ExpertIn,
    HoursIn,
    HoursOut,
    ServicePointIn,
    hour_rows,
)
from luukku.database import RowId
from staff.accounts import StaffMember
from staff.auth import requires_role


class CalendarsAdminController(Controller):
    path = "/api/v1/admin"
    tags = ("administration",)  # type: ignore[assignment]

    @post(
        "/agencies",
        guards=[requires_role("admin")],
        status_code=201,
        opt={"problems": (409,)},
    )
    async def create_agency(self, data: JSONBody[AgencyIn]) -> Created:
        return Created(id=await directory.create_agency(data.slug, data.name.as_dict()))

    @post(
        "/experts",
        guards=[requires_role("admin", "agency_admin")],
        status_code=201,
        opt={"problems": (409,)},
    )
    async def create_expert(
        self, request: Request[StaffMember, Token, Any], data: JSONBody[ExpertIn]
    ) -> Created:
        expert_id = await create_expert_from(request.user, data)
        return Created(id=expert_id)

    @post(
        "/experts/{expert_id:int}/absences",
        guards=[requires_role("admin", "agency_admin")],
        status_code=201,
    )
    async def add_absence(
        self,
        request: Request[StaffMember, Token, Any],
        expert_id: RowId,
        data: JSONBody[AbsenceIn],
    ) -> Created:
        absence_id = await directory.add_absence(
            request.user, expert_id, data.start, data.end, data.reason, data.substitute_id
        )
        return Created(id=absence_id)

    @put(
        "/agencies/{slug:str}/service-hours",
        guards=[requires_role("admin", "agency_admin")],
        summary="Replace the agency's service hours (the clock of the 24-hour answer promise)",
    )
    async def set_service_hours(
        self,
        request: Request[StaffMember, Token, Any],
        slug: FromPath[str],
        data: JSONBody[Annotated[list[HoursIn], msgspec.Meta(max_length=28)]],
    ) -> list[HoursOut]:
        hours = await directory.replace_agency_hours(request.user, slug, hour_rows(data))
        return [
            HoursOut(
                weekday=h.weekday, start=h.start.strftime("%H:%M"), end=h.end.strftime("%H:%M")
            )
            for h in hours
        ]

    @post(
        "/service-points",
        guards=[requires_role("admin")],
        status_code=201,
        opt={"problems": (409,)},
    )
    async def create_service_point(self, data: JSONBody[ServicePointIn]) -> Created:
        point_id = await directory.create_service_point(
            slug=data.slug,
            names=data.name.as_dict(),
            address=data.address,
            rooms=[(room.slug, room.name) for room in data.rooms],
            opening_hours=hour_rows(data.opening_hours),
        )
        return Created(id=point_id)
