"""The administrators' landing page: the agencies they run at a glance, with the way to
each task (experts, services, service points, reports, the audit log)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from litestar.security.jwt import Token

from booking.catalogue.editing import services_of
from calendars.directory import agencies_for, experts_of, service_points
from frontend.templating import page
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]


class OverviewPages(Controller):
    path = "/staff/overview"
    include_in_schema = False
    guards = (requires_role("admin", "agency_admin"),)

    @get("/", name="staff-overview")
    async def overview(self, request: Member) -> Template:
        agencies = await agencies_for(request.user)
        ids = [agency.id for agency in agencies]
        experts = await experts_of(ids, include_retired=True)
        services = await services_of(ids)
        points = await service_points() if request.user.has_role("admin") else []
        return page(
            request,
            "staff/overview.html",
            member=request.user,
            agencies=agencies,
            active_experts=sum(1 for e in experts if e.active),
            retired_experts=sum(1 for e in experts if not e.active),
            active_services=sum(1 for s in services if s.active),
            retired_services=sum(1 for s in services if not s.active),
            points=points,
        )
