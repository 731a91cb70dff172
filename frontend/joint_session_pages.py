"""A joint session at the desk: everyone taking part, its reference and time, and what the
clerk can change (reschedule, replace a participant, cancel), through the same use cases as
`/api/v1/joint-sessions/{reference}/…`."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.joint.changes import replace_participant, reschedule_joint_session, stand_ins
from booking.joint.sessions import cancel_joint_session, get_joint_session
from calendars.agencies import agency_names
from calendars.editing import service_point_details
from frontend.templating import page
from luukku.clock import Clock
from luukku.problems import DomainError, InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]


def _new_start(form: dict[str, str], zone: ZoneInfo) -> datetime:
    try:
        day = date.fromisoformat(form.get("date", ""))
        at = time.fromisoformat(form.get("time", ""))
    except ValueError:
        raise InvalidInput.field("date", "give a date and a time") from None
    return datetime.combine(day, at, zone)


class JointSessionPages(Controller):
    path = "/desk/sessions/{reference:str}"
    include_in_schema = False
    guards = (requires_role("service_point_clerk", "admin"),)

    @get("/", name="desk-session")
    async def show(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await _session_page(request, reference, settings, clock, done=done)

    @post("/reschedule", name="desk-session-reschedule")
    async def reschedule(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            start = _new_start(form, ZoneInfo(settings.default_timezone))
            await reschedule_joint_session(reference, start, request.user, settings, clock.now())
        except DomainError as error:
            return await _refused(request, reference, settings, clock, error, "reschedule", form)
        return Redirect(f"/desk/sessions/{reference}?done=rescheduled", status_code=303)

    @post("/replace", name="desk-session-replace")
    async def replace(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {k: str(v) for k, v in (await request.form()).items()}
        leaving, chosen = form.get("expert_id", ""), form.get("replacement_id", "")
        try:
            if not leaving.isdigit() or len(leaving) > 9:
                raise InvalidInput.field("expert_id", "choose who is replaced")
            replacement = int(chosen) if chosen.isdigit() and len(chosen) < 10 else None
            await replace_participant(
                reference, int(leaving), replacement, request.user, settings, clock.now()
            )
        except DomainError as error:
            return await _refused(request, reference, settings, clock, error, "replace", form)
        return Redirect(f"/desk/sessions/{reference}?done=replaced", status_code=303)

    @post("/cancel", name="desk-session-cancel")
    async def cancel(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            await cancel_joint_session(
                reference, form.get("reason", "")[:500], request.user, settings, clock.now()
            )
        except DomainError as error:
            return await _refused(request, reference, settings, clock, error, "cancel", form)
        return Redirect(f"/desk/sessions/{reference}?done=cancelled", status_code=303)


async def _refused(
    request: Member,
    reference: str,
    settings: Settings,
    clock: Clock,
    error: DomainError,
    action: str,
    form: dict[str, str],
) -> Template:
    """The session page again, saying why `action` changed nothing."""
    if error.status_code >= 500 or error.status_code == 403:
        raise error
    reason = {409: "taken", 404: "unknown"}.get(error.status_code, "invalid")
    return await _session_page(
        request, reference, settings, clock, errors={action: reason}, form=form, status_code=422
    )


async def _session_page(
    request: Member,
    reference: str,
    settings: Settings,
    clock: Clock,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    session = await get_joint_session(reference, request.user, settings)
    now = clock.now()
    changeable = session.status == "confirmed" and session.start > now
    zone = ZoneInfo(session.timezone)
    local_start = session.start.astimezone(zone)
    return page(
        request,
        "staff/desk_session.html",
        status_code=status_code,
        member=request.user,
        session=session,
        changeable=changeable,
        stand_ins=await stand_ins(reference, request.user) if changeable else {},
        agencies=await agency_names(),
        rooms={
            room.slug: room.name
            for room in (await service_point_details(session.service_point)).rooms
        },
        done=done,
        errors=errors or {},
        form=form
        or {"date": local_start.date().isoformat(), "time": local_start.strftime("%H:%M")},
    )
