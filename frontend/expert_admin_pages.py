"""Administration of one expert: edit their details, set a new password (their sessions end),
retire them, move their future bookings to colleagues or cancel them, and put someone in
their place in their future joint remote sessions. The pages post the admin API's Structs to
the same use cases (`update_expert`, `reset_expert_password`, `replace_participant`)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.catalogue.topics import topic_choices
from booking.joint.changes import replace_participant, stand_ins
from booking.staffing.retirement import (
    cancel_by_staff,
    future_bookings,
    future_joint_sessions,
    move_to_colleague,
)
from calendars import directory
from calendars.editing import ExpertDetails, expert_details, reset_expert_password, update_expert
from calendars.schemas import CHANNELS, LANGUAGES, ExpertPatch
from frontend.form_errors import from_domain_error, from_msgspec_error
from frontend.templating import page
from luukku.clock import Clock
from luukku.database import MAX_ROW_ID, RowId
from luukku.problems import DomainError, InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
WEEKDAYS = range(7)


def expert_patch(form: FormMultiDict) -> dict[str, Any]:
    """The edit form as the admin API's PATCH body; a weekday without times is a day off."""
    texts = {key: str(value).strip() for key, value in form.items()}
    hours = [
        {"weekday": day, "start": texts.get(f"start_{day}", ""), "end": texts.get(f"end_{day}", "")}
        for day in WEEKDAYS
        if texts.get(f"start_{day}") or texts.get(f"end_{day}")
    ]
    return {
        "name": texts.get("name", ""),
        "email": texts.get("email", ""),
        "languages": [str(c) for c in form.getall("languages", [])],
        "channels": [str(c) for c in form.getall("channels", [])],
        "topics": [str(c) for c in form.getall("topics", [])],
        "bio": {lang: texts.get(f"bio_{lang}", "") for lang in LANGUAGES},
        "working_hours": hours,
    }


def _form_of(expert: ExpertDetails) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": expert.name,
        "email": expert.email,
        "languages": list(expert.languages),
        "channels": list(expert.channels),
        "topics": list(expert.topics),
    }
    form |= {f"bio_{lang}": text for lang, text in expert.bio.items()}
    for interval in expert.hours:
        form.setdefault(f"start_{interval.weekday}", interval.start.strftime("%H:%M"))
        form.setdefault(f"end_{interval.weekday}", interval.end.strftime("%H:%M"))
    return form


def _errors(error: Exception) -> dict[str, str]:
    if isinstance(error, msgspec.ValidationError):
        raw = from_msgspec_error(error, "name")
    elif isinstance(error, DomainError):
        raw = from_domain_error(error, "name")
    else:
        raise error
    return {
        "working_hours" if field.startswith("working_hours") else field.split(".")[0]: message
        for field, message in raw.items()
    }


class ExpertAdminPages(Controller):
    path = "/staff/admin/experts/{expert_id:int}"
    include_in_schema = False
    guards = (requires_role("admin", "agency_admin"),)

    @get("/", name="admin-expert")
    async def show(
        self,
        request: Member,
        expert_id: RowId,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
        count: FromQuery[int | None] = None,
    ) -> Template:
        return await _expert_page(request, expert_id, (clock, settings), done=done, count=count)

    @post("/", name="admin-edit-expert")
    async def edit(
        self,
        request: Member,
        expert_id: RowId,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        form = await request.form()
        body = expert_patch(form)
        try:
            await update_expert(request.user, expert_id, msgspec.convert(body, ExpertPatch))
        except (msgspec.ValidationError, DomainError) as error:
            if isinstance(error, DomainError) and error.status_code >= 500:
                raise
            values: dict[str, Any] = {k: str(v) for k, v in form.items()}
            values |= {k: body[k] for k in ("languages", "channels", "topics")}
            return await _expert_page(
                request,
                expert_id,
                (clock, settings),
                form=values,
                errors=_errors(error),
                status_code=422,
            )
        return Redirect(f"/staff/admin/experts/{expert_id}?done=saved", status_code=303)

    @post("/active", name="admin-expert-active")
    async def set_active(self, request: Member, expert_id: RowId) -> Redirect:
        active = str((await request.form()).get("active", "")) == "true"
        await update_expert(request.user, expert_id, ExpertPatch(active=active))
        done = "reactivated" if active else "retired"
        return Redirect(f"/staff/admin/experts/{expert_id}?done={done}", status_code=303)

    @post("/password", name="admin-expert-password")
    async def password(
        self,
        request: Member,
        expert_id: RowId,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        password = str((await request.form()).get("password", ""))[:1024]
        try:
            await reset_expert_password(request.user, expert_id, password)
        except InvalidInput:
            return await _expert_page(
                request, expert_id, (clock, settings), errors={"password": "short"}, status_code=422
            )
        return Redirect(f"/staff/admin/experts/{expert_id}?done=password", status_code=303)

    @post("/bookings", name="admin-expert-bookings")
    async def bookings(
        self,
        request: Member,
        expert_id: RowId,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        form = await request.form()
        references = [str(r) for r in form.getall("references", [])]
        colleague = str(form.get("colleague", ""))
        try:
            if str(form.get("action", "")) == "cancel":
                changed = await cancel_by_staff(
                    request.user, expert_id, references, "", settings, clock.now()
                )
                done = "cancelled"
            else:
                if not colleague.isdigit() or len(colleague) > 9:
                    raise InvalidInput.field("colleague", "choose a colleague")
                changed = await move_to_colleague(
                    request.user, expert_id, references, int(colleague), settings, clock.now()
                )
                done = "moved"
        except DomainError as error:
            if error.status_code >= 500:
                raise
            failed = "taken" if error.status_code == 409 else "choose"
            return await _expert_page(
                request, expert_id, (clock, settings), errors={"bookings": failed}, status_code=422
            )
        return Redirect(
            f"/staff/admin/experts/{expert_id}?done={done}&count={len(changed)}#bookings",
            status_code=303,
        )

    @post("/joint-sessions/{reference:str}", name="admin-expert-joint-session")
    async def replace(
        self,
        request: Member,
        expert_id: RowId,
        reference: FromPath[str],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Someone takes the expert's place in a joint session: the chosen stand-in, or
        (none chosen) whoever of the same agency is free and least loaded."""
        chosen = str((await request.form()).get("replacement", ""))
        try:
            replacement = int(chosen) if chosen else None
            if replacement is not None and not 1 <= replacement <= MAX_ROW_ID:
                raise InvalidInput.field("replacement_id", "choose a colleague")
            await replace_participant(
                reference[:32], expert_id, replacement, request.user, settings, clock.now()
            )
        except (ValueError, DomainError) as error:
            if isinstance(error, DomainError) and error.status_code >= 500:
                raise
            failed = (
                "taken" if isinstance(error, DomainError) and error.status_code == 409 else "choose"
            )
            return await _expert_page(
                request,
                expert_id,
                (clock, settings),
                errors={"joint_sessions": failed},
                status_code=422,
            )
        return Redirect(
            f"/staff/admin/experts/{expert_id}?done=replaced#joint-sessions", status_code=303
        )


async def _expert_page(
    request: Member,
    expert_id: int,
    context: tuple[Clock, Settings],
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
    count: int | None = None,
) -> Template:
    clock, settings = context
    expert = await expert_details(request.user, expert_id)
    agencies = [agency.id for agency in await directory.agencies_for(request.user)]
    sessions = await future_joint_sessions(request.user, expert_id, settings, clock.now())
    return page(
        request,
        "staff/admin_expert.html",
        status_code=status_code,
        member=request.user,
        expert=expert,
        form=form or _form_of(expert),
        errors=errors or {},
        done=done,
        count=count,
        languages=LANGUAGES,
        channels=CHANNELS,
        topics=await topic_choices(agencies),
        weekdays=WEEKDAYS,
        bookings=await future_bookings(request.user, expert_id, clock.now()),
        colleagues=await directory.colleagues(expert_id),
        joint_sessions=[
            (view, (await stand_ins(view.reference, request.user, expert_id)).get(expert_id, []))
            for view in sessions
        ],
    )
