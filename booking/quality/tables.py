"""Tables of service quality: contact requests, their replies, and customers' feedback."""

from __future__ import annotations

from piccolo.columns import (
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from booking.tables import Booking
from calendars.tables import Agency, Expert
from staff.tables import StaffUser


class ContactRequest(Table):
    """A question without a time (yhteydenottopyyntö), answered within 24 working hours.

    `status`: `open`, `answered` (replied from Luukku), `converted` (into a booking, kept in
    `booking`) or `closed`. `routing` says why it went where it did: `key_customer`,
    `substitute` (the key-customer manager is away) or `queue` (the agency's topic queue).
    """

    id: Serial  # added by Piccolo; declared for the type checker

    reference = Varchar(length=16, unique=True, index=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.restrict, index=True)
    topic = Varchar(length=64, default="")
    question = Text()
    channel = Varchar(length=16)
    """How the customer wants the answer: `email`, `phone` or `video`."""
    language = Varchar(length=8)
    customer_name = Varchar(length=200)
    customer_email = Varchar(length=254)
    customer_phone = Varchar(length=32, default="")
    customer_company = Varchar(length=200, default="")
    customer_business_id = Varchar(length=9, default="", index=True)
    privacy_notice_version = Varchar(length=32, default="")
    status = Varchar(length=16, default="open", index=True)
    routing = Varchar(length=16, default="queue")
    expert = ForeignKey(Expert, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    """Whose the request is (assigned or claimed); none while it waits in the topic queue."""
    created_at = Timestamptz()
    due_at = Timestamptz(index=True)
    """24 working hours after `created_at` in the agency's hours, holidays excluded."""
    escalate_at = Timestamptz(index=True)
    """When 75 % of the time has passed: unanswered, the agency admins are told."""
    escalated_at = Timestamptz(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    answered_by = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True, default=None)
    booking = ForeignKey(Booking, on_delete=OnDelete.set_null, null=True, default=None)
    """The booking this request became, when converted."""


class ContactReply(Table):
    """A reply sent to the customer from Luukku (the log of what was said)."""

    id: Serial  # added by Piccolo; declared for the type checker

    contact_request = ForeignKey(ContactRequest, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True, default=None)
    body = Text()
    channel = Varchar(length=16, default="email")
    """`email`: sent from Luukku; `phone` or `video`: what was agreed, recorded."""
    sent_at = Timestamptz()


class Feedback(Table):
    """The customer's answer to the two city-wide questions (1–5) after a completed
    appointment; one per booking."""

    id: Serial  # added by Piccolo; declared for the type checker

    booking = ForeignKey(Booking, on_delete=OnDelete.cascade, unique=True, index=True)
    needs_met = Integer()
    """"The service met my needs" (Palvelu vastasi tarpeisiini), 1–5."""
    communication = Integer()
    """"The communication was sufficient and understandable", 1–5."""
    comment = Text(default="")
    answered_at = Timestamptz()


TABLES: tuple[type[Table], ...] = (
    ContactRequest,
    ContactReply,
    Feedback,
)
