"""Administration of experts that reaches their bookings: `PATCH /api/v1/admin/experts/{id}`
(editing and retiring; the answer lists the future bookings still to be moved or cancelled
and the future joint sessions to replace the expert in)
and `POST …/password` (a new password that ends the expert's sessions)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.security.jwt import Token

from booking.staffing.retirement import future_bookings, future_joint_sessions
from calendars.editing import ExpertDetails, reset_expert_password, update_expert
from calendars.schemas import Bios, ExpertPatch, HoursOut, PasswordIn
from luukku.clock import Clock
from luukku.database import RowId
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role


class ExpertOut(msgspec.Struct):
    id: int
    agency: str
    name: str
    email: str
    languages: list[str]
    channels: list[str]
    topics: list[str]
    working_hours: list[HoursOut]
    timezone: str
    kind: str
    active: bool
    bio: Bios
    future_bookings: list[str]
    """References of the expert's future confirmed bookings (to move or cancel on retiring)."""
    future_joint_sessions: list[str]
    """References of the future joint sessions the expert takes part in (to replace them in)."""


def expert_out(expert: ExpertDetails, future: list[str], joint: list[str]) -> ExpertOut:
    return ExpertOut(
        id=expert.id,
        agency=expert.agency_slug,
        name=expert.name,
        email=expert.email,
        languages=list(expert.languages),
        channels=list(expert.channels),
        topics=list(expert.topics),
        working_hours=[
            HoursOut(h.weekday, h.start.strftime("%H:%M"), h.end.strftime("%H:%M"))
            for h in expert.hours
        ],
        timezone=expert.timezone,
        kind=expert.kind,
        active=expert.active,
        bio=Bios(**expert.bio),
        future_bookings=future,
        future_joint_sessions=joint,
    )


class ExpertAdminController(Controller):
    path = "/api/v1/admin/experts/{expert_id:int}"
    tags = ("administration",)  # type: ignore[assignment]
    guards = [requires_role("admin", "agency_admin")]  # noqa: RUF012

    @patch("/", summary="Edit or retire (active: false) an expert")
    async def edit(
        self,
        request: Request[StaffMember, Token, Any],
        expert_id: RowId,
        data: JSONBody[ExpertPatch],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> ExpertOut:
        expert = await update_expert(request.user, expert_id, data)
        future = await future_bookings(request.user, expert_id, clock.now())
        joint = await future_joint_sessions(request.user, expert_id, settings, clock.now())
        return expert_out(
            expert, [view.reference for view in future], [view.reference for view in joint]
        )

    @post("/password", summary="Set a new password; the expert's sessions end", status_code=204)
    async def password(
        self,
        request: Request[StaffMember, Token, Any],
        expert_id: RowId,
        data: JSONBody[PasswordIn],
    ) -> None:
        await reset_expert_password(request.user, expert_id, data.password)
