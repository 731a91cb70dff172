"""Staff pages of service quality: the contact-request inbox (claim, hand on, answer, book a
time, close), the outcome of an appointment, and the agency's key-customer managers. They
call the same use cases as the staff API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.catalogue.key_customers import (
    KeyCustomerView,
    key_customer,
    key_customers,
    name_manager,
    remove_manager,
    update_key_customer,
)
from booking.catalogue.schemas import KeyCustomerPatch
from booking.catalogue.services import list_services
from booking.quality import contact_handling, feedback
from booking.quality.contact_intake import convert
from booking.quality.schemas import ConvertIn
from calendars import directory
from frontend.form_errors import from_domain_error, from_msgspec_error
from frontend.staff_pages import local_moment
from frontend.templating import page
from luukku.clock import Clock
from luukku.database import RowId
from luukku.problems import DomainError, InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
INBOX = "/staff/contact-requests"
_VIEWS = {"open": ("open",), "done": ("answered", "converted", "closed")}


async def _form(request: Member) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


class InboxPages(Controller):
    path = INBOX
    include_in_schema = False

    @get("/", name="staff-inbox")
    async def inbox(
        self, request: Member, clock: NamedDependency[Clock], show: FromQuery[str] = "open"
    ) -> Template:
        now = clock.now()
        shown = show if show in _VIEWS else "open"
        views = await contact_handling.inbox(request.user, _VIEWS[shown], now)
        return page(
            request,
            "staff/inbox.html",
            member=request.user,
            requests=views,
            show=shown,
            now=now,
        )

    async def _detail(
        self,
        request: Member,
        reference: str,
        now: datetime,
        *,
        done: str | None = None,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        member = request.user
        view = await contact_handling.read_as(member, reference)
        services = [s for s in await list_services() if s.agency_id == view.agency_id]
        return page(
            request,
            "staff/contact_request.html",
            status_code=status_code,
            member=member,
            item=view,
            now=now,
            done=done,
            form=form or {},
            errors=errors or {},
            colleagues=await directory.experts_of([view.agency_id]),
            services=services,
            may_hand_on=view.expert_id == member.expert_id
            or member.has_role("admin")
            or (member.has_role("agency_admin") and member.agency_id == view.agency_id),
        )

    @get("/{reference:str}", name="staff-contact-request")
    async def detail(
        self,
        request: Member,
        reference: FromPath[str],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._detail(request, reference, clock.now(), done=done)

    @post("/{reference:str}/claim")
    async def claim(
        self, request: Member, reference: FromPath[str], clock: NamedDependency[Clock]
    ) -> Redirect:
        await contact_handling.claim(request.user, reference, clock.now())
        return Redirect(f"{INBOX}/{reference}?done=claimed", status_code=303)

    @post("/{reference:str}/assign")
    async def assign(
        self, request: Member, reference: FromPath[str], clock: NamedDependency[Clock]
    ) -> Template | Redirect:
        form = await _form(request)
        try:
            expert = int(form.get("expert_id", ""))
            await contact_handling.assign(request.user, reference, expert, clock.now())
        except ValueError:
            errors = {"expert_id": "choose an expert"}
        except InvalidInput as error:
            errors = from_domain_error(error, "expert_id")
        else:
            return Redirect(f"{INBOX}/{reference}?done=assigned", status_code=303)
        return await self._detail(
            request, reference, clock.now(), form=form, errors=errors, status_code=422
        )

    @post("/{reference:str}/reply")
    async def reply(
        self, request: Member, reference: FromPath[str], clock: NamedDependency[Clock]
    ) -> Template | Redirect:
        form = await _form(request)
        try:
            await contact_handling.reply(
                request.user,
                reference,
                form.get("message", "")[:10000],
                form.get("channel", "email"),
                clock.now(),
            )
        except InvalidInput as error:
            return await self._detail(
                request,
                reference,
                clock.now(),
                form=form,
                errors=from_domain_error(error, "message"),
                status_code=422,
            )
        return Redirect(f"{INBOX}/{reference}?done=replied", status_code=303)

    @post("/{reference:str}/convert")
    async def convert(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = await _form(request)
        now = clock.now()
        try:
            expert = form.get("expert_id", "")
            data = msgspec.convert(
                {
                    "service": form.get("service", ""),
                    "start": local_moment(form, "start"),
                    "channel": form.get("channel", ""),
                    "expert_id": int(expert) if expert.isdigit() else None,
                },
                ConvertIn,
            )
            await convert(request.user, reference, data, settings, now)
        except msgspec.ValidationError as error:
            return await self._detail(
                request,
                reference,
                now,
                form=form,
                errors=from_msgspec_error(error, "start"),
                status_code=422,
            )
        except DomainError as error:
            return await self._detail(
                request,
                reference,
                now,
                form=form,
                errors=from_domain_error(error, "start"),
                status_code=409 if error.status_code == 409 else 422,
            )
        return Redirect(f"{INBOX}/{reference}?done=converted", status_code=303)

    @post("/{reference:str}/close")
    async def close(
        self, request: Member, reference: FromPath[str], clock: NamedDependency[Clock]
    ) -> Redirect:
        await contact_handling.close(request.user, reference, clock.now())
        return Redirect(f"{INBOX}/{reference}?done=closed", status_code=303)


class OutcomePages(Controller):
    path = "/staff/bookings"
    include_in_schema = False

    @post("/{reference:str}/outcome", name="staff-booking-outcome")
    async def mark(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        form = await _form(request)
        await feedback.set_outcome(
            request.user, reference, form.get("outcome", ""), settings, clock.now()
        )
        return Redirect(f"/staff/bookings/{reference}?done=outcome-saved", status_code=303)


class KeyCustomerPages(Controller):
    path = "/staff/admin/key-customers"
    include_in_schema = False
    guards = [requires_role("admin", "agency_admin")]  # noqa: RUF012

    async def _page(
        self,
        request: Member,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        member = request.user
        agencies = [agency.id for agency in await directory.agencies_for(member)]
        return page(
            request,
            "staff/admin_key_customers.html",
            status_code=status_code,
            member=member,
            managers=await key_customers(None if member.has_role("admin") else agencies),
            experts=await directory.experts_of(agencies),
            form=form,
            errors=errors,
            done=done,
        )

    @get("/", name="admin-key-customers")
    async def listing(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        return await self._page(request, form={}, errors={}, done=done)

    @post("/")
    async def name(self, request: Member) -> Template | Redirect:
        form = await _form(request)
        try:
            expert = int(form.get("expert_id", "") or 0)
            await name_manager(
                request.user,
                form.get("business_id", "")[:16],
                form.get("company", "")[:200],
                expert,
            )
        except DomainError as error:
            return await self._page(
                request,
                form=form,
                errors=from_domain_error(error, "business_id"),
                status_code=422,
            )
        return Redirect("/staff/admin/key-customers?done=named", status_code=303)

    @post("/{key_customer_id:int}/delete")
    async def remove(self, request: Member, key_customer_id: FromPath[int]) -> Redirect:
        await remove_manager(request.user, key_customer_id)
        return Redirect("/staff/admin/key-customers?done=removed", status_code=303)

    @get("/{key_customer_id:int}", name="admin-key-customer")
    async def show(
        self, request: Member, key_customer_id: RowId, done: FromQuery[str | None] = None
    ) -> Template:
        view = await key_customer(request.user, key_customer_id)
        form = {"business_id": view.business_id, "company": view.company}
        return await _key_customer_page(
            request, view, form | {"expert_id": str(view.expert_id)}, {}, done=done
        )

    @post("/{key_customer_id:int}", name="admin-edit-key-customer")
    async def edit(self, request: Member, key_customer_id: RowId) -> Template | Redirect:
        form = await _form(request)
        body: dict[str, Any] = {
            "business_id": form.get("business_id", "").strip(),
            "company": form.get("company", ""),
        }
        expert = form.get("expert_id", "")
        body["expert_id"] = int(expert) if expert.isdigit() and len(expert) < 10 else expert
        if "active" in form:
            body = {"active": form["active"] == "true"}
        try:
            await update_key_customer(
                request.user, key_customer_id, msgspec.convert(body, KeyCustomerPatch)
            )
        except (msgspec.ValidationError, DomainError) as error:
            view = await key_customer(request.user, key_customer_id)
            return await _key_customer_page(
                request, view, form, _key_customer_errors(error), status_code=422
            )
        active = body.get("active")
        done = "saved" if active is None else "reactivated" if active else "retired"
        return Redirect(
            f"/staff/admin/key-customers/{key_customer_id}?done={done}", status_code=303
        )


def _key_customer_errors(error: Exception) -> dict[str, str]:
    if isinstance(error, msgspec.ValidationError):
        return from_msgspec_error(error, "business_id")
    if isinstance(error, DomainError) and error.status_code in (409, 422):
        return from_domain_error(error, "business_id")
    raise error


async def _key_customer_page(
    request: Member, view: KeyCustomerView, form: dict[str, str], errors: dict[str, str], **kw: Any
) -> Template:
    return page(
        request,
        "staff/admin_key_customer.html",
        member=request.user,
        key_customer=view,
        experts=await directory.experts_of([view.agency_id]),
        form=form,
        errors=errors,
        **kw,
    )
