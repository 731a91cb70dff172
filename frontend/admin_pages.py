"""Administration pages: agencies, and the services of the agencies one administers, each new
one with its Finnish, Swedish and English texts side by side. They post the admin API's
Structs to the same use cases (`create_agency`, `create_service`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.catalogue.editing import services_of
from booking.catalogue.schemas import ServiceIn
from booking.catalogue.services import create_service, new_service
from booking.catalogue.topics import topic_choices
from booking.waitlist.counts import lines_of
from booking.waitlist.entries import today_local
from calendars.business_services import business_mailboxes, set_business_services_email
from calendars.directory import (
    agencies_for,
    check_agency_scope,
    create_agency,
    create_expert_from,
    experts_of,
)
from calendars.schemas import CHANNELS, LANGUAGES, AgencyIn, ExpertIn
from frontend.form_errors import from_domain_error, from_msgspec_error
from frontend.templating import page
from luukku.clock import Clock
from luukku.problems import Conflict, DomainError, InvalidInput, NotFound
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
NUMBERS = (
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "min_notice_minutes",
    "slot_interval_minutes",
    "horizon_days",
)
DEFAULTS = {
    "duration_minutes": "45",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "10",
    "min_notice_minutes": "1440",
    "slot_interval_minutes": "30",
    "horizon_days": "60",
}


def _number(text: str) -> int | str:
    """Digits as a number; anything else is left for the Struct to refuse, naming the field."""
    return int(text) if text.strip().isdigit() and len(text.strip()) < 7 else text


def service_request(form: FormMultiDict) -> dict[str, Any]:
    """The service form as the admin API's request body."""
    texts = {key: str(value).strip() for key, value in form.items()}
    body: dict[str, Any] = {
        "slug": texts.get("slug", ""),
        "agency": texts.get("agency", ""),
        "name": {lang: texts.get(f"name_{lang}", "") for lang in LANGUAGES},
        "description": {lang: texts.get(f"description_{lang}", "") for lang in LANGUAGES},
        "channels": [str(c) for c in form.getall("channels", [])],
        "languages": [str(c) for c in form.getall("languages", [])],
        "topics": [str(t) for t in form.getall("topics", [])],
    }
    body |= {field: _number(texts.get(field, "")) for field in NUMBERS}
    return body


def expert_request(form: FormMultiDict) -> dict[str, Any]:
    """The expert form as the admin API's request body; the hours apply Monday to Friday."""
    texts = {key: str(value).strip() for key, value in form.items()}
    start, end = texts.get("hours_start", ""), texts.get("hours_end", "")
    return {
        "agency": texts.get("agency", ""),
        "name": texts.get("name", ""),
        "email": texts.get("email", ""),
        "password": str(form.get("password", "")),
        "languages": [str(c) for c in form.getall("languages", [])],
        "channels": [str(c) for c in form.getall("channels", [])],
        "topics": [str(t) for t in form.getall("topics", [])],
        "working_hours": (
            [{"weekday": day, "start": start, "end": end} for day in range(5)]
            if start or end
            else []
        ),
    }


def _form_errors(error: Exception) -> dict[str, str]:
    """Errors by form field: `name.fi` is the form's `name_fi`."""
    if isinstance(error, msgspec.ValidationError):
        raw = from_msgspec_error(error, "slug")
    elif isinstance(error, DomainError):
        raw = from_domain_error(error, "slug")
    else:
        raise error
    return {
        "working_hours" if field.startswith("working_hours") else field.replace(".", "_"): message
        for field, message in raw.items()
    }


class AdminPages(Controller):
    path = "/staff/admin"
    include_in_schema = False
    guards = (requires_role("admin", "agency_admin"),)

    @get("/services", name="admin-services")
    async def services(
        self,
        request: Member,
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._services_page(request, clock.now(), done=done)

    @post("/services", name="admin-add-service")
    async def add_service(
        self, request: Member, clock: NamedDependency[Clock]
    ) -> Template | Redirect:
        form = await request.form()
        body = service_request(form)
        agencies = {a.slug: a.id for a in await agencies_for(request.user)}
        try:
            if body["agency"] not in agencies:
                raise InvalidInput.field("agency", "unknown agency")
            check_agency_scope(request.user, agencies[body["agency"]])
            data = msgspec.convert(body, ServiceIn)
            await create_service(new_service(data, agencies[data.agency]))
        except (msgspec.ValidationError, DomainError) as error:
            if isinstance(error, DomainError) and error.status_code >= 500:
                raise
            values = {key: str(value) for key, value in form.items()}
            values["channels"] = ",".join(body["channels"])
            values["languages"] = ",".join(body["languages"])
            values["topics"] = ",".join(body["topics"])
            return await self._services_page(
                request, clock.now(), form=values, errors=_form_errors(error), status_code=422
            )
        return Redirect("/staff/admin/services?done=added", status_code=303)

    @get("/agencies", name="admin-agencies")
    async def agencies(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        return await self._agencies_page(request, done=done)

    @post("/agencies", name="admin-add-agency", guards=[requires_role("admin")])
    async def add_agency(self, request: Member) -> Template | Redirect:
        texts = {key: str(value).strip() for key, value in (await request.form()).items()}
        body = {
            "slug": texts.get("slug", ""),
            "name": {lang: texts.get(f"name_{lang}", "") for lang in LANGUAGES},
        }
        try:
            data = msgspec.convert(body, AgencyIn)
            await create_agency(data.slug, data.name.as_dict())
        except (msgspec.ValidationError, Conflict) as error:
            return await self._agencies_page(
                request, form=texts, errors=_form_errors(error), status_code=422
            )
        return Redirect("/staff/admin/agencies?done=added", status_code=303)

    @post("/agencies/{slug:str}/business-services", name="admin-business-services")
    async def business_services(self, request: Member, slug: FromPath[str]) -> Template | Redirect:
        agencies = {a.slug: a.id for a in await agencies_for(request.user)}
        if slug not in agencies:
            raise NotFound(f"No agency {slug!r}.")
        check_agency_scope(request.user, agencies[slug])
        email = str((await request.form()).get("business_services_email", ""))
        try:
            await set_business_services_email(slug, email)
        except InvalidInput as error:
            return await self._agencies_page(
                request,
                form={f"bse-{slug}": email},
                errors={f"bse-{slug}": error.errors[0].message},
                status_code=422,
            )
        return Redirect("/staff/admin/agencies?done=business-services", status_code=303)

    @get("/experts", name="admin-experts")
    async def experts(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        return await self._experts_page(request, done=done)

    @post("/experts", name="admin-add-expert")
    async def add_expert(self, request: Member) -> Template | Redirect:
        form = await request.form()
        body = expert_request(form)
        try:
            await create_expert_from(request.user, msgspec.convert(body, ExpertIn))
        except (msgspec.ValidationError, DomainError) as error:
            if isinstance(error, DomainError) and error.status_code >= 500:
                raise
            values = {key: str(value) for key, value in form.items() if key != "password"}
            values["channels"] = ",".join(body["channels"])
            values["languages"] = ",".join(body["languages"])
            values["topics"] = ",".join(body["topics"])
            return await self._experts_page(
                request, form=values, errors=_form_errors(error), status_code=422
            )
        return Redirect("/staff/admin/experts?done=added", status_code=303)

    @staticmethod
    async def _experts_page(request: Member, **context: Any) -> Template:
        agencies = [agency.id for agency in await agencies_for(request.user)]
        return await _admin_page(
            request,
            "staff/admin_experts.html",
            experts=await experts_of(agencies, include_retired=True),
            topics=await topic_choices(agencies),
            channels=CHANNELS,
            defaults={
                "channels": ",".join(CHANNELS),
                "languages": "fi,sv,en",
                "hours_start": "09:00",
                "hours_end": "16:00",
            },
            **context,
        )

    @staticmethod
    async def _agencies_page(request: Member, **context: Any) -> Template:
        agencies = await agencies_for(request.user)
        mailboxes = await business_mailboxes(agency.id for agency in agencies)
        return await _admin_page(
            request, "staff/admin_agencies.html", mailboxes=mailboxes, **context
        )

    @staticmethod
    async def _services_page(request: Member, now: datetime, **context: Any) -> Template:
        agencies = {agency.id for agency in await agencies_for(request.user)}
        services = await services_of(sorted(agencies))
        return await _admin_page(
            request,
            "staff/admin_services.html",
            services=services,
            topics=await topic_choices(sorted(agencies)),
            waitlist=await lines_of([s.info.id for s in services], today_local(now)),
            channels=CHANNELS,
            defaults={**DEFAULTS, "channels": ",".join(CHANNELS), "languages": "fi,sv,en"},
            **context,
        )


async def _admin_page(
    request: Member,
    template: str,
    *,
    done: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    defaults: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """An administration page: the caller's agencies, the form as posted or its defaults."""
    return page(
        request,
        template,
        status_code=status_code,
        member=request.user,
        agencies=await agencies_for(request.user),
        languages=LANGUAGES,
        form=form or defaults or {},
        errors=errors or {},
        done=done,
        **context,
    )
