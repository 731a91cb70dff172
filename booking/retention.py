"""What the booking domain forgets: customers' details of bookings and joint sessions
(registered with the retention job in app.py)."""

from __future__ import annotations

from booking.tables import Booking, JointSession
from security.retention import Anonymiser

BOOKING_ANONYMISERS = (
    Anonymiser(
        name="bookings",
        table=Booking,
        ended_at=Booking.ends_at,
        email=Booking.customer_email,
        personal={
            "customer_name": "",
            "customer_email": "",
            "customer_phone": "",
            "customer_company": "",
            "customer_business_id": "",
            "message": "",
            "staff_notes": "",
            "cancel_reason": "",
        },
        exported=(
            Booking.reference,
            Booking.starts_at,
            Booking.ends_at,
            Booking.channel,
            Booking.language,
            Booking.status,
            Booking.customer_language,
            Booking.privacy_notice_version,
            Booking.created_at,
        ),
    ),
    Anonymiser(
        name="joint_sessions",
        table=JointSession,
        ended_at=JointSession.ends_at,
        email=JointSession.customer_email,
        personal={
            "customer_name": "",
            "customer_email": "",
            "customer_phone": "",
            "customer_company": "",
            "customer_business_id": "",
            "matter": "",
        },
        exported=(
            JointSession.reference,
            JointSession.starts_at,
            JointSession.ends_at,
            JointSession.status,
            JointSession.customer_language,
        ),
    ),
)
