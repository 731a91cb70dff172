"""Administration API of the booking domain: `POST /api/v1/admin/services`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody
from litestar.security.jwt import Token

from booking.catalogue.schemas import ServiceIn
from booking.catalogue.services import (
    create_service,
    new_service,
)
from calendars.directory import agency_id, check_agency_scope
from calendars.schemas import Created
from staff.accounts import StaffMember
from staff.auth import requires_role


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
