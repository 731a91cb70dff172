"""A booking as the API answers it: `BookingOut` from a `BookingView`, shared by the public,
staff and feedback routes."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from booking.bookings import lifecycle as bookings
from booking.bookings.lifecycle import BookingView
from booking.bookings.schemas import BookingOut, CustomerOut, ExpertOut
from luukku.settings import Settings


def booking_out(
    view: BookingView,
    settings: Settings,
    manage_token: str | None = None,
    *,
    for_expert: bool = False,
) -> BookingOut:
    """The booking as the customer (or, `for_expert`, its expert) sees it: the video link is
    the reader's own."""
    zone = ZoneInfo(view.timezone)
    customer = view.customer
    video_url = bookings.video_link(view, settings, for_expert=for_expert)
    return BookingOut(
        reference=view.reference,
        status=view.status,
        start=view.start.astimezone(zone),
        end=view.end.astimezone(zone),
        channel=view.channel,
        language=view.language,
        service=view.service_slug,
        expert=ExpertOut(id=view.expert_id, name=view.expert_name),
        customer=CustomerOut(
            name=customer.name,
            email=customer.email,
            phone=customer.phone or None,
            company=customer.company or None,
            business_id=customer.business_id or None,
            language=customer.language,
        ),
        message=view.message,
        video_url=video_url or None,
        cancel_reason=view.cancel_reason or None,
        manage_token=manage_token,
        manage_url=(
            f"{settings.public_base_url}/bookings/{view.reference}/manage?token={manage_token}"
            if manage_token
            else None
        ),
        outcome=(view.outcome or None) if for_expert else None,
    )
