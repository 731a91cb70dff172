"""Administration API of the booking domain: `POST /api/v1/admin/services`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.params import JSONBody
from litestar.security.jwt import Token

from booking.catalogue.services import (
    DEFAULT_REMINDER_MINUTES,
    Localized,
    NewService,
    create_service,
)
from calendars.admin_api import Code, Created, Names, Slug
from calendars.directory import agency_id, check_agency_scope
from staff.accounts import StaffMember
from staff.auth import requires_role

Minutes = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]
Description = Annotated[str, msgspec.Meta(max_length=4000, pattern=r"^[^\x00]*$")]


class Descriptions(msgspec.Struct, forbid_unknown_fields=True):
    fi: Description = ""
    sv: Description = ""
    en: Description = ""


class ServiceIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    agency: Slug
    name: Names
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)]
    channels: list[Code]
    description: Descriptions | None = None
    buffer_before_minutes: Minutes = 0
    buffer_after_minutes: Minutes = 0
    min_notice_minutes: Annotated[int, msgspec.Meta(ge=0, le=60 * 24 * 60)] = 120
    horizon_days: Annotated[int, msgspec.Meta(ge=1, le=731)] = 60
    slot_interval_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)] = 30
    languages: list[Code] | None = None
    experts: list[int] | None = None
    topics: list[Code] | None = None
    daily_limit: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    reminder_minutes: (
        Annotated[
            list[Annotated[int, msgspec.Meta(ge=1, le=14 * 24 * 60)]], msgspec.Meta(max_length=5)
        ]
        | None
    ) = None
    """Minutes before the appointment the customer is reminded; default 24 h and 2 h, [] none."""


def new_service(data: ServiceIn, agency: int) -> NewService:
    """The request as the catalogue's NewService (the admin pages post the same Struct)."""
    description = data.description or Descriptions()
    return NewService(
        slug=data.slug,
        agency_id=agency,
        name=Localized(data.name.fi, data.name.sv, data.name.en),
        description=Localized(description.fi, description.sv, description.en),
        duration_minutes=data.duration_minutes,
        buffer_before_minutes=data.buffer_before_minutes,
        buffer_after_minutes=data.buffer_after_minutes,
        min_notice_minutes=data.min_notice_minutes,
        horizon_days=data.horizon_days,
        slot_interval_minutes=data.slot_interval_minutes,
        channels=tuple(data.channels),
        languages=tuple(data.languages or ()),
        topics=tuple(data.topics or ()),
        expert_ids=tuple(data.experts or ()),
        daily_limit=data.daily_limit,
        reminder_minutes=(
            DEFAULT_REMINDER_MINUTES
            if data.reminder_minutes is None
            else tuple(data.reminder_minutes)
        ),
    )


class ServicesAdminController(Controller):
    path = "/api/v1/admin/services"
    tags = ("administration",)  # type: ignore[assignment]

    @post("/", guards=[requires_role("admin", "agency_admin")], status_code=201)
    async def create(
        self, request: Request[StaffMember, Token, Any], data: JSONBody[ServiceIn]
    ) -> Created:
        agency = await agency_id(data.agency)
        check_agency_scope(request.user, agency)
        service_id = await create_service(new_service(data, agency))
        return Created(id=service_id)
