"""Administration API of the booking domain: `POST /api/v1/admin/services` and
`PATCH /api/v1/admin/services/{slug}`."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, patch, post
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token

from booking.catalogue.editing import ServiceDetails, update_service
from booking.catalogue.schemas import Descriptions, ServiceIn, ServicePatch
from booking.catalogue.services import (
    create_service,
    new_service,
)
from calendars.directory import agency_id, check_agency_scope
from calendars.schemas import Created, Names
from staff.accounts import StaffMember
from staff.auth import requires_role


class ServiceOut(msgspec.Struct):
    slug: str
    agency: str
    name: Names
    description: Descriptions
    duration_minutes: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    horizon_days: int
    slot_interval_minutes: int
    channels: list[str]
    languages: list[str]
    topics: list[str]
    experts: list[int]
    daily_limit: int | None
    reminder_minutes: list[int]
    active: bool


def service_out(details: ServiceDetails) -> ServiceOut:
    info = details.info
    return ServiceOut(
        slug=info.slug,
        agency=info.agency_slug,
        name=Names(info.name.fi, info.name.sv, info.name.en),
        description=Descriptions(info.description.fi, info.description.sv, info.description.en),
        duration_minutes=info.duration_minutes,
        buffer_before_minutes=info.buffer_before_minutes,
        buffer_after_minutes=info.buffer_after_minutes,
        min_notice_minutes=info.min_notice_minutes,
        horizon_days=info.horizon_days,
        slot_interval_minutes=info.slot_interval_minutes,
        channels=list(info.channels),
        languages=list(info.languages),
        topics=list(info.topics),
        experts=list(details.expert_ids),
        daily_limit=info.daily_limit,
        reminder_minutes=list(info.reminder_minutes),
        active=details.active,
    )


class ServicesAdminController(Controller):
    path = "/api/v1/admin/services"
    tags = ("administration",)  # type: ignore[assignment]

    @post(
        "/",
        guards=[requires_role("admin", "agency_admin")],
        status_code=201,
        opt={"problems": (409,)},
    )
    async def create(
        self, request: Request[StaffMember, Token, Any], data: JSONBody[ServiceIn]
    ) -> Created:
        agency = await agency_id(data.agency)
        check_agency_scope(request.user, agency)
        service_id = await create_service(new_service(data, agency))
        return Created(id=service_id)

    @patch(
        "/{slug:str}",
        guards=[requires_role("admin", "agency_admin")],
        summary="Edit or retire (active: false) a service; its bookings stay",
    )
    async def edit(
        self,
        request: Request[StaffMember, Token, Any],
        slug: FromPath[str],
        data: JSONBody[ServicePatch],
    ) -> ServiceOut:
        return service_out(await update_service(request.user, slug, data))
