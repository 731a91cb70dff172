"""What the booking domain forgets: customers' details of bookings, joint sessions and
waitlist entries, the texts of contact requests and their answers, and feedback comments
(registered with the retention job in app.py). Feedback grades, due and answer times stay for
the reports."""

from __future__ import annotations

from booking.joint.tables import JointSession
from booking.quality.tables import ContactReply, ContactRequest, Feedback
from booking.tables import Booking
from booking.waitlist.tables import WaitlistEntry
from security.anonymisers import Anonymiser

CUSTOMER_DETAILS = {
    "customer_name": "",
    "customer_email": "",
    "customer_phone": "",
    "customer_company": "",
    "customer_business_id": "",
}
"""What every customer's row forgets of the customer: name and contact details."""

BOOKING_ANONYMISERS = (
    Anonymiser(
        name="bookings",
        table=Booking,
        ended_at=Booking.ends_at,
        email=Booking.customer_email,
        reference=Booking.reference,
        personal={
            **CUSTOMER_DETAILS,
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
        reference=JointSession.reference,
        personal={
            **CUSTOMER_DETAILS,
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
    Anonymiser(
        name="contact_requests",
        table=ContactRequest,
        ended_at=ContactRequest.created_at,
        email=ContactRequest.customer_email,
        reference=ContactRequest.reference,
        personal={
            **CUSTOMER_DETAILS,
            "question": "",
        },
        exported=(
            ContactRequest.reference,
            ContactRequest.topic,
            ContactRequest.channel,
            ContactRequest.language,
            ContactRequest.status,
            ContactRequest.created_at,
            ContactRequest.answered_at,
        ),
    ),
    # An entry's last change is its end: it expired, was booked or left the line then.
    Anonymiser(
        name="waitlist_entries",
        table=WaitlistEntry,
        ended_at=WaitlistEntry.updated_at,
        email=WaitlistEntry.customer_email,
        reference=WaitlistEntry.reference,
        personal=CUSTOMER_DETAILS,
        exported=(
            WaitlistEntry.reference,
            WaitlistEntry.earliest,
            WaitlistEntry.latest,
            WaitlistEntry.channel,
            WaitlistEntry.language,
            WaitlistEntry.status,
            WaitlistEntry.created_at,
        ),
    ),
    # Answers and comments hold no email of their own: found by the matter they are about.
    Anonymiser(
        name="contact_replies",
        table=ContactReply,
        ended_at=ContactReply.sent_at,
        email=None,
        about=ContactReply.contact_request.reference,
        personal={"body": ""},
        exported=(ContactReply.channel, ContactReply.sent_at),
    ),
    Anonymiser(
        name="feedback_comments",
        table=Feedback,
        ended_at=Feedback.answered_at,
        email=None,
        about=Feedback.booking.reference,
        personal={"comment": ""},
        exported=(Feedback.needs_met, Feedback.communication, Feedback.answered_at),
    ),
)
