"""Administration API of the calendars domain: agencies, experts, absences, service points."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post, put
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token

from calendars import directory
from luukku.database import RowId
from staff.accounts import StaffMember
from staff.auth import requires_role

_NO_NUL = r"^[^\x00]*$"
Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_NO_NUL)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=_NO_NUL)]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]
ClockTime = Annotated[str, msgspec.Meta(max_length=5, pattern=r"^\d{2}:\d{2}$")]


class Names(msgspec.Struct, forbid_unknown_fields=True):
    fi: Name
    sv: Name
    en: Name

    def as_dict(self) -> dict[str, str]:
        return {"fi": self.fi, "sv": self.sv, "en": self.en}


class HoursIn(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6)]
    start: ClockTime
    end: ClockTime


class HoursOut(msgspec.Struct):
    weekday: int
    start: str
    end: str


class AgencyIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Names


class ExpertIn(msgspec.Struct, forbid_unknown_fields=True):
    agency: Slug
    name: Name
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=_NO_NUL)]
    password: Annotated[str, msgspec.Meta(min_length=12, max_length=1024)]
    languages: list[Code]
    channels: list[Code]
    topics: list[Code]
    working_hours: list[HoursIn]
    timezone: Code = "Europe/Helsinki"
    kind: Code = "advisor"
    """`advisor`, or `interpreter` (a remote interpreter for joint sessions; `languages` are
    the languages interpreted)."""


class AbsenceIn(msgspec.Struct, forbid_unknown_fields=True):
    start: AwareDateTime
    end: AwareDateTime
    reason: Annotated[str, msgspec.Meta(max_length=200, pattern=_NO_NUL)] = ""
    substitute_id: int | None = None


class RoomIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Name


class ServicePointIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Names
    address: Annotated[str, msgspec.Meta(max_length=300, pattern=_NO_NUL)]
    rooms: list[RoomIn]
    opening_hours: list[HoursIn]


class Created(msgspec.Struct):
    id: int


def hour_rows(rows: list[HoursIn]) -> list[tuple[int, str, str]]:
    """Weekly hours as the directory takes them: (weekday, "HH:MM", "HH:MM")."""
    return [(h.weekday, h.start, h.end) for h in rows]


async def create_expert_from(member: StaffMember, data: ExpertIn) -> int:
    """An expert from the admin API's request (the admin pages post the same Struct)."""
    return await directory.create_expert(
        member,
        agency_slug=data.agency,
        name=data.name,
        email=data.email,
        password=data.password,
        languages=data.languages,
        channels=data.channels,
        topics=data.topics,
        working_hours=hour_rows(data.working_hours),
        timezone=data.timezone,
        kind=data.kind,
    )


class CalendarsAdminController(Controller):
    path = "/api/v1/admin"
    tags = ("administration",)  # type: ignore[assignment]

    @post("/agencies", guards=[requires_role("admin")], status_code=201)
    async def create_agency(self, data: JSONBody[AgencyIn]) -> Created:
        return Created(id=await directory.create_agency(data.slug, data.name.as_dict()))

    @post("/experts", guards=[requires_role("admin", "agency_admin")], status_code=201)
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

    @post("/service-points", guards=[requires_role("admin")], status_code=201)
    async def create_service_point(self, data: JSONBody[ServicePointIn]) -> Created:
        point_id = await directory.create_service_point(
            slug=data.slug,
            names=data.name.as_dict(),
            address=data.address,
            rooms=[(room.slug, room.name) for room in data.rooms],
            opening_hours=hour_rows(data.opening_hours),
        )
        return Created(id=point_id)
