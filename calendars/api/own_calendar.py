"""An expert's own calendar: weekly hours, date overrides and absences (`/api/v1/staff/me/...`)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.security.jwt import Token

from calendars import directory, external
from calendars.credentials import PasswordCipher
from calendars.fetching import Fetcher
from calendars.schemas import AbsenceIn, ClockTime, Created, HoursIn
from luukku.clock import Clock
from luukku.database import RowId
from luukku.wire import NO_NUL
from staff.accounts import StaffMember

Member = Request[StaffMember, Token, Any]


class WeekIn(msgspec.Struct, forbid_unknown_fields=True):
    working_hours: list[HoursIn]


class HoursOut(msgspec.Struct):
    weekday: int
    start: str
    end: str


class OverrideIn(msgspec.Struct, forbid_unknown_fields=True):
    date: date
    start: ClockTime | None = None
    end: ClockTime | None = None


class OverrideOut(msgspec.Struct):
    id: int
    date: date
    start: str | None
    end: str | None


class AbsenceOut(msgspec.Struct):
    id: int
    start: datetime
    end: datetime
    reason: str
    substitute_id: int | None


def _clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


class ExternalCalendarIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[str, msgspec.Meta(max_length=8)]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=NO_NUL)]
    username: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] = ""
    password: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] = ""
    write_bookings: bool = False
    """CalDAV only: also write Luukku's bookings into this calendar."""


class ExternalCalendarOut(msgspec.Struct):
    id: int
    kind: str
    host: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None


def _status_out(status: external.ExternalCalendarStatus) -> ExternalCalendarOut:
    return ExternalCalendarOut(
        id=status.id,
        kind=status.kind,
        host=status.host,
        last_attempt_at=status.last_attempt_at,
        last_success_at=status.last_success_at,
        last_error=status.last_error,
        last_error_at=status.last_error_at,
    )


class ExternalCalendarController(Controller):
    """An expert's own calendars (Outlook/Google secret ICS address, CalDAV) and their sync."""

    path = "/api/v1/staff/me/external-calendars"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/", summary="Your external calendars with their last sync and error")
    async def list_calendars(self, request: Member) -> list[ExternalCalendarOut]:
        statuses = await external.calendars_of(directory.own_expert(request.user))
        return [_status_out(status) for status in statuses]

    @post(
        "/",
        summary="Register a calendar whose busy times block bookings",
        status_code=201,
        opt={"problems": (409,)},
    )
    async def add(
        self,
        request: Member,
        data: JSONBody[ExternalCalendarIn],
        fetcher: NamedDependency[Fetcher],
        clock: NamedDependency[Clock],
        cipher: NamedDependency[PasswordCipher],
    ) -> ExternalCalendarOut:
        expert = directory.own_expert(request.user)
        calendar = await external.add_external_calendar(
            expert,
            data.kind,
            data.url,
            data.username,
            data.password,
            data.write_bookings,
            cipher=cipher,
        )
        await external.sync_calendar(calendar, fetcher, clock.now(), cipher)
        [status] = [s for s in await external.calendars_of(expert) if s.id == calendar]
        return _status_out(status)

    @post("/{calendar_id:int}/sync", summary="Sync one calendar now", status_code=200)
    async def sync_now(
        self,
        request: Member,
        calendar_id: RowId,
        fetcher: NamedDependency[Fetcher],
        clock: NamedDependency[Clock],
        cipher: NamedDependency[PasswordCipher],
    ) -> ExternalCalendarOut:
        expert = directory.own_expert(request.user)
        await external.owned_calendar(expert, calendar_id)
        await external.sync_calendar(calendar_id, fetcher, clock.now(), cipher)
        [status] = [s for s in await external.calendars_of(expert) if s.id == calendar_id]
        return _status_out(status)

    @delete("/{calendar_id:int}", summary="Stop reading a calendar", status_code=204)
    async def remove(self, request: Member, calendar_id: RowId) -> None:
        await external.remove_external_calendar(directory.own_expert(request.user), calendar_id)


class OwnCalendarController(Controller):
    path = "/api/v1/staff/me"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/working-hours", summary="Your weekly working hours")
    async def get_hours(self, request: Member) -> list[HoursOut]:
        hours = await directory.weekly_hours(directory.own_expert(request.user))
        return [
            HoursOut(h.weekday, h.start.strftime("%H:%M"), h.end.strftime("%H:%M")) for h in hours
        ]

    @put("/working-hours", summary="Replace your whole week of working hours")
    async def put_hours(self, request: Member, data: JSONBody[WeekIn]) -> list[HoursOut]:
        expert = directory.own_expert(request.user)
        await directory.replace_weekly_hours(
            expert, [(h.weekday, h.start, h.end) for h in data.working_hours]
        )
        hours = await directory.weekly_hours(expert)
        return [
            HoursOut(h.weekday, h.start.strftime("%H:%M"), h.end.strftime("%H:%M")) for h in hours
        ]

    @get("/overrides", summary="Your date overrides")
    async def get_overrides(self, request: Member) -> list[OverrideOut]:
        overrides = await directory.overrides_of(directory.own_expert(request.user))
        return [OverrideOut(o.id, o.date, _clock(o.start), _clock(o.end)) for o in overrides]

    @post("/overrides", summary="Change or close one date's hours", status_code=201)
    async def add_override(self, request: Member, data: JSONBody[OverrideIn]) -> Created:
        expert = directory.own_expert(request.user)
        return Created(id=await directory.add_override(expert, data.date, data.start, data.end))

    @delete("/overrides/{override_id:int}", summary="Remove a date override", status_code=204)
    async def delete_override(self, request: Member, override_id: RowId) -> None:
        await directory.delete_override(directory.own_expert(request.user), override_id)

    @get("/absences", summary="Your absences")
    async def get_absences(self, request: Member) -> list[AbsenceOut]:
        absences = await directory.absences_of(directory.own_expert(request.user))
        return [AbsenceOut(a.id, a.start, a.end, a.reason, a.substitute_id) for a in absences]

    @post("/absences", summary="Add an absence, optionally naming a substitute", status_code=201)
    async def add_absence(self, request: Member, data: JSONBody[AbsenceIn]) -> Created:
        expert = directory.own_expert(request.user)
        absence = await directory.add_absence(
            request.user, expert, data.start, data.end, data.reason, data.substitute_id
        )
        return Created(id=absence)

    @delete("/absences/{absence_id:int}", summary="Remove an absence", status_code=204)
    async def delete_absence(self, request: Member, absence_id: RowId) -> None:
        await directory.delete_absence(directory.own_expert(request.user), absence_id)
