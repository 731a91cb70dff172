"""Contact requests coming in and going on: a customer's submission, checked like a booking's
details, and a staff member's conversion of a request into a booking."""

from __future__ import annotations

from datetime import datetime

from booking.bookings.customers import customer_from_request
from booking.bookings.lifecycle import create_booking
from booking.bookings.schemas import BookingCreate, CustomerIn
from booking.quality import contact_handling, contact_requests
from booking.quality.contact_requests import ContactRequestView, NewContactRequest
from booking.quality.schemas import (
    ContactRequestIn,
    ConvertIn,
)
from luukku.problems import InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember


async def submit_from(
    data: ContactRequestIn, settings: Settings, now: datetime
) -> ContactRequestView:
    """Check the body like a booking's and record the request."""
    if data.language not in ("fi", "sv", "en"):
        raise InvalidInput.field("language", "use fi, sv or en")
    customer, notice = customer_from_request(
        data.customer, data.language, data.privacy_notice_version, settings
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
    view = await contact_handling.visible(member, reference)
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
        await contact_handling.link_booking(reference, booking_id, member, now)

    created = await create_booking(request, settings, now, after_insert=link)
    return await contact_requests.get(reference), created.booking.reference
