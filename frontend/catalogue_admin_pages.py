"""Editing and retiring agencies, services and service points from the administration pages.
Each form is turned into the admin API's PATCH Struct and given to the same use case."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.catalogue.editing import ServiceDetails, service_details, update_service
from booking.catalogue.schemas import ServicePatch
from booking.catalogue.topics import topic_choices
from calendars.directory import agencies_for
from calendars.editing import (
    ServicePointDetails,
    agency_details,
    service_point_details,
    update_agency,
    update_service_point,
)
from calendars.schemas import CHANNELS, LANGUAGES, AgencyPatch, ServicePointPatch
from frontend.form_errors import from_domain_error, from_msgspec_error
from frontend.templating import page
from luukku.problems import DomainError
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
WEEKDAYS = range(7)
NUMBERS = (
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "slot_interval_minutes",
    "horizon_days",
)


def _texts(form: FormMultiDict) -> dict[str, str]:
    return {key: str(value).strip() for key, value in form.items()}


def _names(texts: dict[str, str], prefix: str = "name") -> dict[str, str]:
    return {lang: texts.get(f"{prefix}_{lang}", "") for lang in LANGUAGES}


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() and len(text) < 7 else text


def _errors(error: Exception) -> dict[str, str]:
    """Errors by form field: `name.fi` is `name_fi`, any hours field is `hours`."""
    if isinstance(error, msgspec.ValidationError):
        raw = from_msgspec_error(error, "name")
    elif isinstance(error, DomainError):
        if error.status_code >= 500 or error.status_code == 403:
            raise error
        raw = from_domain_error(error, "name")
    else:
        raise error
    fields = {}
    for field, message in raw.items():
        if field.startswith(("opening_hours", "working_hours")):
            field = "hours"
        elif field.startswith("rooms"):
            field = "rooms"
        fields[field.replace(".", "_")] = message
    return fields


def service_patch(form: FormMultiDict) -> dict[str, Any]:
    texts = _texts(form)
    body: dict[str, Any] = {
        "name": _names(texts),
        "description": _names(texts, "description"),
        "channels": [str(c) for c in form.getall("channels", [])],
        "languages": [str(c) for c in form.getall("languages", [])],
        "topics": [str(c) for c in form.getall("topics", [])],
    }
    return body | {field: _number(texts.get(field, "")) for field in NUMBERS}


def _service_form(details: ServiceDetails) -> dict[str, Any]:
    info = details.info
    form: dict[str, Any] = {field: str(getattr(info, field)) for field in NUMBERS}
    for lang in LANGUAGES:
        form[f"name_{lang}"] = getattr(info.name, lang)
        form[f"description_{lang}"] = getattr(info.description, lang)
    return form | {
        "channels": list(info.channels),
        "languages": list(info.languages),
        "topics": list(info.topics),
    }


def service_point_patch(form: FormMultiDict) -> dict[str, Any]:
    texts = _texts(form)
    rooms = [
        {
            "slug": texts.get(f"room_slug_{n}", ""),
            "name": texts.get(f"room_name_{n}", ""),
            "active": f"room_active_{n}" in texts,
        }
        for n in range(int(texts.get("room_rows", "0") or 0) + 1)
        if texts.get(f"room_slug_{n}") or texts.get(f"room_name_{n}")
    ]
    hours = [
        {"weekday": day, "start": texts.get(f"start_{day}", ""), "end": texts.get(f"end_{day}", "")}
        for day in WEEKDAYS
        if texts.get(f"start_{day}") or texts.get(f"end_{day}")
    ]
    return {
        "name": _names(texts),
        "address": texts.get("address", ""),
        "rooms": rooms,
        "opening_hours": hours,
    }


def _point_form(point: ServicePointDetails) -> dict[str, Any]:
    form: dict[str, Any] = {f"name_{lang}": point.names[lang] for lang in LANGUAGES}
    form["address"] = point.address
    for weekday, opens, closes in point.hours:
        form.setdefault(f"start_{weekday}", opens.strftime("%H:%M"))
        form.setdefault(f"end_{weekday}", closes.strftime("%H:%M"))
    return form


class CatalogueAdminPages(Controller):
    path = "/staff/admin"
    include_in_schema = False
    guards = (requires_role("admin", "agency_admin"),)

    @get("/agencies/{slug:str}", name="admin-agency")
    async def agency(
        self, request: Member, slug: FromPath[str], done: FromQuery[str | None] = None
    ) -> Template:
        agency = await agency_details(request.user, slug)
        form = {f"name_{lang}": agency.names[lang] for lang in LANGUAGES}
        form["business_services_email"] = agency.business_services_email or ""
        return self._agency_page(request, agency, form, {}, done=done)

    @post("/agencies/{slug:str}", name="admin-edit-agency")
    async def edit_agency(self, request: Member, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        texts = _texts(form)
        body: dict[str, Any] = {"name": _names(texts)}
        email = texts.get("business_services_email", "")
        body["business_services_email"] = email or None
        if "active" in texts:
            body["active"] = texts["active"] == "true"
        try:
            await update_agency(request.user, slug, msgspec.convert(body, AgencyPatch))
        except (msgspec.ValidationError, DomainError) as error:
            agency = await agency_details(request.user, slug)
            return self._agency_page(request, agency, texts, _errors(error), status_code=422)
        return Redirect(f"/staff/admin/agencies/{slug}?done=saved", status_code=303)

    @staticmethod
    def _agency_page(request: Member, agency: Any, form: Any, errors: Any, **kw: Any) -> Template:
        return page(
            request,
            "staff/admin_agency.html",
            member=request.user,
            agency=agency,
            form=form,
            errors=errors,
            languages=LANGUAGES,
            **kw,
        )

    @get("/services/{slug:str}", name="admin-service")
    async def service(
        self, request: Member, slug: FromPath[str], done: FromQuery[str | None] = None
    ) -> Template:
        details = await service_details(request.user, slug)
        return await self._service_page(request, details, _service_form(details), {}, done=done)

    @post("/services/{slug:str}", name="admin-edit-service")
    async def edit_service(self, request: Member, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        texts = _texts(form)
        body = {"active": texts["active"] == "true"} if "active" in texts else service_patch(form)
        try:
            await update_service(request.user, slug, msgspec.convert(body, ServicePatch))
        except (msgspec.ValidationError, DomainError) as error:
            details = await service_details(request.user, slug)
            values: dict[str, Any] = texts | {
                key: body.get(key, []) for key in ("channels", "languages", "topics")
            }
            return await self._service_page(
                request, details, values, _errors(error), status_code=422
            )
        return Redirect(f"/staff/admin/services/{slug}?done=saved", status_code=303)

    @staticmethod
    async def _service_page(
        request: Member, details: ServiceDetails, form: Any, errors: Any, **kw: Any
    ) -> Template:
        agencies = [agency.id for agency in await agencies_for(request.user)]
        return page(
            request,
            "staff/admin_service.html",
            member=request.user,
            service=details,
            form=form,
            errors=errors,
            languages=LANGUAGES,
            channels=CHANNELS,
            topics=await topic_choices(agencies),
            **kw,
        )

    @get("/service-points/{slug:str}", name="admin-service-point", guards=[requires_role("admin")])
    async def service_point(
        self, request: Member, slug: FromPath[str], done: FromQuery[str | None] = None
    ) -> Template:
        point = await service_point_details(slug)
        return self._point_page(request, point, _point_form(point), {}, done=done)

    @post(
        "/service-points/{slug:str}",
        name="admin-edit-service-point",
        guards=[requires_role("admin")],
    )
    async def edit_service_point(self, request: Member, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        texts = _texts(form)
        body = (
            {"active": texts["active"] == "true"}
            if "active" in texts
            else service_point_patch(form)
        )
        try:
            await update_service_point(slug, msgspec.convert(body, ServicePointPatch))
        except (msgspec.ValidationError, DomainError) as error:
            point = await service_point_details(slug)
            return self._point_page(request, point, texts, _errors(error), status_code=422)
        return Redirect(f"/staff/admin/service-points/{slug}?done=saved", status_code=303)

    @staticmethod
    def _point_page(request: Member, point: Any, form: Any, errors: Any, **kw: Any) -> Template:
        return page(
            request,
            "staff/admin_service_point.html",
            member=request.user,
            point=point,
            form=form,
            errors=errors,
            languages=LANGUAGES,
            weekdays=WEEKDAYS,
            **kw,
        )
