"""HTTP routes of contact requests (public submit, staff inbox) and key-customer managers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.security.jwt import Token

from booking.bookings.customers import clean_customer
from booking.bookings.lifecycle import create_booking
from booking.bookings.schemas import BookingCreate, CustomerIn, CustomerOut, RowIdField, Slug
from booking.quality import contact_requests
from booking.quality.contact_requests import ContactRequestView, NewContactRequest
from booking.quality.key_customers import (
    KeyCustomerView,
    key_customers,
    name_manager,
    remove_manager,
)
from luukku.clock import Clock
from luukku.database import RowId
from luukku.problems import InvalidInput
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import StaffMember
from staff.auth import requires_role

_NO_NUL = r"^[^\x00]*$"
Text4000 = Annotated[str, msgspec.Meta(max_length=4000, pattern=_NO_NUL)]
Choice = Annotated[str, msgspec.Meta(max_length=16, pattern=_NO_NUL)]


class ContactRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    topic: Slug
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=_NO_NUL)]
    channel: Choice
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=_NO_NUL)]
    customer: CustomerIn
    agency: Slug | None = None
    privacy_notice_version: Annotated[str, msgspec.Meta(max_length=32, pattern=_NO_NUL)] | None = (
        None
    )


class ReplyOut(msgspec.Struct):
    author: str
    message: str
    channel: str
    sent_at: datetime


class ContactRequestOut(msgspec.Struct):
    reference: str
    status: str
    agency: str
    topic: str
    channel: str
    language: str
    created_at: datetime
    due_at: datetime
    """24 working hours after `created_at`: the answer's latest time."""


class StaffContactRequestOut(msgspec.Struct):
    reference: str
    status: str
    routing: str
    agency: str
    topic: str
    question: str
    channel: str
    language: str
    customer: CustomerOut
    created_at: datetime
    due_at: datetime
    overdue: bool
    expert_id: int | None = None
    expert_name: str | None = None
    escalated_at: datetime | None = None
    answered_at: datetime | None = None
    booking_reference: str | None = None
    replies: list[ReplyOut] = msgspec.field(default_factory=list)


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    expert_id: RowIdField


class ReplyIn(msgspec.Struct, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=10000, pattern=_NO_NUL)]
    channel: Choice = "email"
    """`email` sends the message to the customer; `phone`/`video` records an answer given."""


class ConvertIn(msgspec.Struct, forbid_unknown_fields=True):
    service: Slug
    start: Annotated[datetime, msgspec.Meta(tz=True)]
    channel: Choice
    expert_id: RowIdField | None = None
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=_NO_NUL)] | None = None


class ConvertOut(msgspec.Struct):
    contact_request: StaffContactRequestOut
    booking_reference: str


class KeyCustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    business_id: Annotated[str, msgspec.Meta(min_length=1, max_length=16, pattern=_NO_NUL)]
    expert_id: RowIdField
    company: Annotated[str, msgspec.Meta(max_length=200, pattern=_NO_NUL)] = ""


class KeyCustomerOut(msgspec.Struct):
    id: int
    agency: str
    business_id: str
    company: str
    expert_id: int
    expert_name: str


def _zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.default_timezone)


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


async def submit_from(
    data: ContactRequestIn, settings: Settings, now: datetime
) -> ContactRequestView:
    """Check the body like a booking's and record the request."""
    if data.language not in ("fi", "sv", "en"):
        raise InvalidInput.field("language", "use fi, sv or en")
    customer = clean_customer(
        name=data.customer.name,
        email=data.customer.email,
        phone=data.customer.phone,
        company=data.customer.company,
        business_id=data.customer.business_id,
        language=data.customer.language or data.language,
    )
    notice = data.privacy_notice_version or settings.privacy_notice_version
    if notice != settings.privacy_notice_version:
        raise InvalidInput.field(
            "privacy_notice_version",
            f"the current privacy notice is version {settings.privacy_notice_version}",
        )
    return await contact_requests.submit(
        NewContactRequest(
            agency=data.agency,
            topic=data.topic,
            question=data.question,
            channel=data.channel,
            language=data.language,
            customer=customer,
            privacy_notice_version=notice,
        ),
        now,
    )


async def convert(
    member: StaffMember,
    reference: str,
    data: ConvertIn,
    settings: Settings,
    now: datetime,
) -> tuple[ContactRequestView, str]:
    """Book a time for the request's customer; the request keeps the booking and counts as
    answered, in the booking's own transaction."""
    view = await contact_requests.visible(member, reference)
    if view.status not in ("open", "answered"):
        raise InvalidInput.field("reference", f"the request is {view.status}")
    customer = view.customer
    request = BookingCreate(
        service=data.service,
        start=data.start,
        channel=data.channel,
        language=data.language or view.language,
        customer=CustomerIn(
            name=customer.name,
            email=customer.email,
            phone=customer.phone or None,
            company=customer.company or None,
            business_id=customer.business_id or None,
            language=view.language,
        ),
        expert_id=data.expert_id,
        message=view.question,
    )

    async def link(booking_id: int) -> None:
        await contact_requests.link_booking(reference, booking_id, member, now)

    created = await create_booking(request, settings, now, after_insert=link)
    return await contact_requests.get(reference), created.booking.reference


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
        views = await contact_requests.inbox(request.user, statuses, now)
        return [staff_out(view, settings, now) for view in views]

    @get("/{reference:str}", summary="One contact request with its replies")
    async def read(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        view = await contact_requests.read_as(request.user, reference)
        return staff_out(view, settings, clock.now())

    @post("/{reference:str}/claim", summary="Take a request from your topic queue", status_code=200)
    async def claim(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        now = clock.now()
        view = await contact_requests.claim(request.user, reference, now)
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/assign",
        summary="Hand a request to an expert of its agency",
        status_code=200,
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
        view = await contact_requests.assign(request.user, reference, data.expert_id, now)
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/reply",
        summary="Answer: email the customer, or record a call",
        status_code=200,
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
        view = await contact_requests.reply(
            request.user, reference, data.message, data.channel, now
        )
        return staff_out(view, settings, now)

    @post(
        "/{reference:str}/convert",
        summary="Book a time for the request's customer",
        status_code=201,
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
    )
    async def close(
        self,
        request: StaffRequest,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> StaffContactRequestOut:
        view = await contact_requests.close(request.user, reference)
        return staff_out(view, settings, clock.now())


def _key_customer_out(view: KeyCustomerView) -> KeyCustomerOut:
    return KeyCustomerOut(
        id=view.id,
        agency=view.agency_slug,
        business_id=view.business_id,
        company=view.company,
        expert_id=view.expert_id,
        expert_name=view.expert_name,
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

    @delete("/{key_customer_id:int}", summary="Remove a key-customer manager", status_code=204)
    async def remove(self, request: StaffRequest, key_customer_id: RowId) -> None:
        await remove_manager(request.user, key_customer_id)
