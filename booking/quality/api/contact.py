"""HTTP routes of contact requests (public submit, staff inbox) and key-customer managers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.security.jwt import Token

from booking.bookings.schemas import CustomerOut
from booking.catalogue.key_customers import (
    KeyCustomerView,
    key_customers,
    name_manager,
    remove_manager,
    update_key_customer,
)
from booking.catalogue.schemas import KeyCustomerPatch
from booking.quality import contact_handling, contact_requests
from booking.quality.contact_intake import convert, submit_from
from booking.quality.contact_requests import ContactRequestView
from booking.quality.contact_status import follow, status_url
from booking.quality.schemas import (
    AssignIn,
    ContactRequestIn,
    ContactRequestOut,
    ContactStatusOut,
    ConvertIn,
    ConvertOut,
    KeyCustomerIn,
    KeyCustomerOut,
    ReplyIn,
    ReplyOut,
    StaffContactRequestOut,
    StepOut,
)
from luukku.bearer import bearer_token
from luukku.clock import Clock
from luukku.database import RowId
from luukku.local_time import default_zone
from luukku.problems import InvalidInput
from luukku.settings import Settings
from luukku.wire import NO_NUL
from security.rate_limits import rate_limited
from staff.accounts import StaffMember
from staff.auth import requires_role

Text4000 = Annotated[str, msgspec.Meta(max_length=4000, pattern=NO_NUL)]


def _zone(settings: Settings) -> ZoneInfo:
    return default_zone(settings)


def public_out(view: ContactRequestView, settings: Settings) -> ContactRequestOut:
    zone = _zone(settings)
    return ContactRequestOut(
        reference=view.reference,
        status=view.status,
        agency=view.agency_slug,
        topic=view.topic,
        channel=view.channel,
        language=view.language,
        created_at=view.created_at.astimezone(zone),
        due_at=view.due_at.astimezone(zone),
        status_token=view.status_token or None,
        status_url=(
            status_url(settings.public_base_url, view.reference, view.status_token)
            if view.status_token
            else None
        ),
    )


def staff_out(
    view: ContactRequestView, settings: Settings, now: datetime
) -> StaffContactRequestOut:
    zone = _zone(settings)
    customer = view.customer
    return StaffContactRequestOut(
        reference=view.reference,
        status=view.status,
        routing=view.routing,
        agency=view.agency_slug,
        topic=view.topic,
        question=view.question,
        channel=view.channel,
        language=view.language,
        customer=CustomerOut(
            name=customer.name,
            email=customer.email,
            phone=customer.phone or None,
            company=customer.company or None,
            business_id=customer.business_id or None,
            language=customer.language,
        ),
        created_at=view.created_at.astimezone(zone),
        due_at=view.due_at.astimezone(zone),
        overdue=view.overdue(now),
        expert_id=view.expert_id,
        expert_name=view.expert_name or None,
        escalated_at=view.escalated_at.astimezone(zone) if view.escalated_at else None,
        answered_at=view.answered_at.astimezone(zone) if view.answered_at else None,
        booking_reference=view.booking_reference or None,
        replies=[
            ReplyOut(
                author=reply.author,
                message=reply.body,
                channel=reply.channel,
                sent_at=reply.sent_at.astimezone(zone),
            )
            for reply in view.replies
        ],
    )


class ContactRequestController(Controller):
    path = "/api/v1/contact-requests"
    tags = ("public",)  # type: ignore[assignment]

    @post(
        "/",
        summary="Ask a question without booking a time",
        status_code=201,
        guards=[rate_limited("contact")],
    )
    async def submit(
        self,
        data: JSONBody[ContactRequestIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> ContactRequestOut:
        return public_out(await submit_from(data, settings, clock.now()), settings)

    @get(
        "/{reference:str}",
        summary="Follow a contact request, with its status token",
        guards=[rate_limited("manage")],
    )
    async def status(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        settings: NamedDependency[Settings],
    ) -> ContactStatusOut:
        # A missing token answers as a wrong one does (404), revealing nothing (issue 17).
        token = bearer_token(request, "the request's status token", required=False)
        found = await follow(reference, token)
        zone = _zone(settings)
        return ContactStatusOut(
            reference=found.reference,
            status=found.status,
            due_at=found.due_at.astimezone(zone),
            history=[
                StepOut(at=step.at.astimezone(zone), event=step.event, by=step.by)
                for step in found.history
            ],
        )


StaffRequest = Request[StaffMember, Token, Any]


class StaffContactRequestController(Controller):
    path = "/api/v1/staff/contact-requests"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/", summary="Your contact-request inbox: overdue first, then by due time")
    async def inbox(
        self,
        request: StaffRequest,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        status: FromQuery[str] = "open",
    ) -> list[StaffContactRequestOut]:
        statuses = contact_requests.STATUSES if status == "all" else (status,)
        if not set(statuses) <= set(contact_requests.STATUSES):
            raise InvalidInput.field("status", "use open, answered, converted, closed or all")
        now = clock.now()
        views = await contact_handling.inbox(request.user, statuses, now)
        return [staff_out(view, settings, now) for view in views]

    @get("/{reference:str}", summary="One contact request with its replies")
    async def read(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        view = await contact_handling.read_as(request.user, reference)
        return staff_out(view, settings, clock.now())

    @post(
        "/{reference:str}/claim",
        summary="Take a request from your topic queue",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def claim(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        now = clock.now()
        view = await contact_handling.claim(request.user, reference, now)
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/assign",
        summary="Hand a request to an expert of its agency",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def assign(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        data: JSONBody[AssignIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        now = clock.now()
        view = await contact_handling.assign(request.user, reference, data.expert_id, now)
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/reply",
        summary="Answer: email the customer, or record a call",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def reply(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        data: JSONBody[ReplyIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        now = clock.now()
        view = await contact_handling.reply(
            request.user, reference, data.message, data.channel, now
        )
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/convert",
        summary="Book a time for the request's customer",
        status_code=201,
        opt={"problems": (409,)},
    )
    async def convert(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        data: JSONBody[ConvertIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> ConvertOut:
        now = clock.now()
        view, booking = await convert(request.user, reference, data, settings, now)
        return ConvertOut(contact_request=staff_out(view, settings, now), booking_reference=booking)

    @post(
        "/{reference:str}/close",
        summary="Close a request that needs no answer (agency admins)",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def close(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        view = await contact_handling.close(request.user, reference, clock.now())
        return staff_out(view, settings, clock.now())


def _key_customer_out(view: KeyCustomerView) -> KeyCustomerOut:
    return KeyCustomerOut(
        id=view.id,
        agency=view.agency_slug,
        business_id=view.business_id,
        company=view.company,
        expert_id=view.expert_id,
        expert_name=view.expert_name,
        active=view.active,
    )


class KeyCustomerController(Controller):
    path = "/api/v1/admin/key-customers"
    tags = ("admin",)  # type: ignore[assignment]
    guards = [requires_role("admin", "agency_admin")]  # noqa: RUF012

    @get("/", summary="Key-customer managers of your agency (admins: every agency)")
    async def listing(self, request: StaffRequest) -> list[KeyCustomerOut]:
        member = request.user
        scope = None if member.has_role("admin") else [member.agency_id or 0]
        return [_key_customer_out(view) for view in await key_customers(scope)]

    @post("/", summary="Name the key-customer manager of a company", status_code=201)
    async def name(self, request: StaffRequest, data: JSONBody[KeyCustomerIn]) -> KeyCustomerOut:
        view = await name_manager(request.user, data.business_id, data.company, data.expert_id)
        return _key_customer_out(view)

    @patch("/{key_customer_id:int}", summary="Edit or deactivate (active: false) a key customer")
    async def edit(
        self, request: StaffRequest, key_customer_id: RowId, data: JSONBody[KeyCustomerPatch]
    ) -> KeyCustomerOut:
        view = await update_key_customer(request.user, key_customer_id, data)
        return _key_customer_out(view)

    @delete("/{key_customer_id:int}", summary="Remove a key-customer manager", status_code=204)
    async def remove(self, request: StaffRequest, key_customer_id: RowId) -> None:
        await remove_manager(request.user, key_customer_id)
