"""Administration of service points (yhteispalvelupiste) and their video rooms: the list, and
a form to add one with its rooms and weekday opening hours (administrators only)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from calendars.directory import create_service_point, service_points
from calendars.schemas import LANGUAGES, ServicePointIn, hour_rows
from frontend.form_errors import from_domain_error, from_msgspec_error
from frontend.templating import page
from luukku.problems import DomainError
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
ROOM_ROWS = 3
WEEKDAYS = range(5)
DEFAULTS = {"opens": "09:00", "closes": "16:00"}


def service_point_request(form: dict[str, str]) -> dict[str, Any]:
    """The form as the admin API's request body (rooms from the filled rows; the same
    opening hours Monday to Friday)."""
    rooms = [
        {"slug": form.get(f"room_slug_{n}", ""), "name": form.get(f"room_name_{n}", "")}
        for n in range(ROOM_ROWS)
        if form.get(f"room_slug_{n}") or form.get(f"room_name_{n}")
    ]
    hours = [
        {"weekday": day, "start": form.get("opens", ""), "end": form.get("closes", "")}
        for day in WEEKDAYS
    ]
    return {
        "slug": form.get("slug", ""),
        "name": {lang: form.get(f"name_{lang}", "") for lang in LANGUAGES},
        "address": form.get("address", ""),
        "rooms": rooms,
        "opening_hours": hours,
    }


def _field(name: str) -> str:
    """API field names as the form's: rooms.0.slug → room_slug_0, opening_hours.… → opens."""
    parts = name.split(".")
    if parts[0] == "rooms" and len(parts) == 3:
        return f"room_{parts[2]}_{parts[1]}"
    if parts[0] == "opening_hours":
        return "opens"
    if parts[0] == "name" and len(parts) == 2:
        return f"name_{parts[1]}"
    return name


class ServicePointPages(Controller):
    path = "/staff/admin/service-points"
    include_in_schema = False
    guards = [requires_role("admin")]  # noqa: RUF012

    @staticmethod
    async def _page(
        request: Member,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/admin_service_points.html",
            status_code=status_code,
            member=request.user,
            points=await service_points(),
            languages=LANGUAGES,
            room_rows=range(ROOM_ROWS),
            form=form or DEFAULTS,
            errors=errors or {},
            done=done,
        )

    @get("/", name="admin-service-points")
    async def list_points(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        return await self._page(request, done=done)

    @post("/", name="admin-add-service-point")
    async def add_point(self, request: Member) -> Template | Redirect:
        form = {key: str(value).strip() for key, value in (await request.form()).items()}
        try:
            data = msgspec.convert(service_point_request(form), ServicePointIn)
            await create_service_point(
                slug=data.slug,
                names=data.name.as_dict(),
                address=data.address,
                rooms=[(room.slug, room.name) for room in data.rooms],
                opening_hours=hour_rows(data.opening_hours),
            )
        except msgspec.ValidationError as error:
            errors = {_field(k): v for k, v in from_msgspec_error(error, "slug").items()}
            return await self._page(request, form=form, errors=errors, status_code=422)
        except DomainError as error:
            if error.status_code >= 500:
                raise
            errors = {_field(k): v for k, v in from_domain_error(error, "slug").items()}
            return await self._page(request, form=form, errors=errors, status_code=422)
        return Redirect("/staff/admin/service-points?done=added", status_code=303)
