"""Tables of the booking domain: the service catalogue, bookings and reservations."""

from __future__ import annotations

from piccolo.columns import (
    Array,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from calendars.tables import Agency, Expert, ExternalCalendar, Room, ServicePoint, StaffUser


class Service(Table):
    """A bookable service of an agency, e.g. "Funding advice for a new company"."""

    id: Serial  # added by Piccolo; declared for the type checker

    slug = Varchar(length=64, unique=True, index=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.restrict, index=True)
    name_fi = Varchar(length=200)
    name_sv = Varchar(length=200)
    name_en = Varchar(length=200)
    description_fi = Text(default="")
    description_sv = Text(default="")
    description_en = Text(default="")
    duration_minutes = Integer()
    buffer_before_minutes = Integer(default=0)
    buffer_after_minutes = Integer(default=0)
    min_notice_minutes = Integer(default=120)
    horizon_days = Integer(default=60)
    slot_interval_minutes = Integer(default=30)
    channels = Array(Varchar(length=16))
    languages = Array(Varchar(length=8))
    topics = Array(Varchar(length=64))
    """Experts of the agency with any of these topics are eligible (when no explicit list)."""
    daily_limit = Integer(null=True, default=None)
    """Most bookings of this service one expert takes per local day; none when null."""
    active = Boolean(default=True)
    reminder_minutes = Array(Integer(), default=[24 * 60, 2 * 60])
    """When the customer is reminded, in minutes before the appointment."""


class ServiceExpert(Table):
    """An explicitly eligible expert of a service; when a service has any, topics are ignored."""

    id: Serial  # added by Piccolo; declared for the type checker

    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)


class Booking(Table):
    """An entrepreneur's appointment with one expert; the reference is the public identifier."""

    id: Serial  # added by Piccolo; declared for the type checker

    reference = Varchar(length=16, unique=True, index=True)
    service = ForeignKey(Service, on_delete=OnDelete.restrict, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.restrict, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    channel = Varchar(length=16)
    language = Varchar(length=8)
    status = Varchar(length=16, default="confirmed", index=True)
    customer_name = Varchar(length=200)
    customer_email = Varchar(length=254)
    customer_phone = Varchar(length=32, default="")
    customer_company = Varchar(length=200, default="")
    customer_business_id = Varchar(length=9, default="")
    customer_language = Varchar(length=8, default="fi")
    message = Text(default="")
    staff_notes = Text(default="")
    """The expert's own notes on the appointment; never shown to the customer or in feeds."""
    privacy_notice_version = Varchar(length=32)
    manage_token_hash = Varchar(length=64)
    video_url = Varchar(length=300, default="")
    """A plain meeting link, on bookings made before meeting rooms (`video_room`)."""
    video_room = Varchar(length=100, default="")
    """A video booking's unguessable meeting room; each side joins by its own link."""
    reschedule_count = Integer(default=0)
    sequence = Integer(default=0)
    """iCalendar SEQUENCE: rises on every change the attendees should see."""
    cancel_reason = Text(default="")
    cancelled_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=16, default="", index=True)
    """After the appointment, as staff mark it: `completed`, `no_show`, or empty (not marked).
    Only completed appointments get the feedback request."""
    outcome_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class JointSession(Table):
    """A joint remote session (yhteinen etäasiointi): a customer at a service point's room
    meets experts of several agencies, and an interpreter when needed, in one video meeting."""

    id: Serial  # added by Piccolo; declared for the type checker

    reference = Varchar(length=16, unique=True, index=True)
    service_point = ForeignKey(ServicePoint, on_delete=OnDelete.restrict, index=True)
    room = ForeignKey(Room, on_delete=OnDelete.restrict, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    status = Varchar(length=16, default="confirmed", index=True)
    matter = Text(default="")
    """The clerk's summary of the customer's matter, shown to every participant."""
    interpreter_language = Varchar(length=16, default="")
    customer_name = Varchar(length=200)
    customer_email = Varchar(length=254, default="")
    customer_phone = Varchar(length=32, default="")
    customer_company = Varchar(length=200, default="")
    customer_business_id = Varchar(length=9, default="")
    customer_language = Varchar(length=8, default="fi")
    video_room = Varchar(length=100, unique=True)
    """The meeting's unguessable room name."""
    booked_by = ForeignKey(StaffUser, on_delete=OnDelete.set_null, null=True, default=None)
    sequence = Integer(default=0)
    cancel_reason = Text(default="")
    cancelled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class JointParticipant(Table):
    """An expert (one per agency) or the interpreter of a joint session."""

    id: Serial  # added by Piccolo; declared for the type checker

    joint_session = ForeignKey(JointSession, on_delete=OnDelete.cascade, index=True)
    expert = ForeignKey(Expert, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(Agency, on_delete=OnDelete.restrict)
    role = Varchar(length=16, default="expert")
    """`expert` or `interpreter`."""


class Reservation(Table):
    """Time a resource (`expert:<id>`, `room:<id>`) is held, buffers included.

    The database keeps these from overlapping per resource: an exclusion constraint on
    PostgreSQL, an overlap check inside an IMMEDIATE transaction on SQLite.
    """

    id: Serial  # added by Piccolo; declared for the type checker

    resource = Varchar(length=64, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    booking = ForeignKey(Booking, on_delete=OnDelete.cascade, null=True, index=True)
    joint_session = ForeignKey(JointSession, on_delete=OnDelete.cascade, null=True, index=True)


class KeyCustomer(Table):
    """An agency's key-customer manager (avainasiakasvastaava) for a company (Y-tunnus): the
    company's bookings of the agency's services prefer them and its contact requests go to
    them (or to their substitute while they are away). One per agency and company."""

    id: Serial  # added by Piccolo; declared for the type checker

    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, index=True)
    business_id = Varchar(length=9, index=True)
    company = Varchar(length=200, default="")
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


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


class CalendarPush(Table):
    """What Luukku last wrote of a booking into an expert's CalDAV calendar (`write_bookings`)."""

    id: Serial  # added by Piccolo; declared for the type checker

    booking = ForeignKey(Booking, on_delete=OnDelete.cascade, index=True)
    calendar = ForeignKey(ExternalCalendar, on_delete=OnDelete.cascade, index=True)
    pushed_sequence = Integer(default=-1)
    """The booking's `sequence` the calendar holds; -1 before the first successful write."""
    etag = Varchar(length=200, default="")
    """The server's ETag of the event after the last write, for If-Match."""
    deleted = Boolean(default=False)
    claimed_at = Timestamptz(null=True, default=None)
    """Set while one worker writes this event, so that others leave it alone."""


class AvailabilityVersion(Table, tablename="availability_version"):
    """A counter the database raises (triggers, migrations/booking) in the same transaction as
    every change to what decides free time: `expert:<id>` for an expert's reservations,
    bookings, absences, hours, overrides and external busy times (`room:<id>` for a room's
    reservations), `catalogue` for services, their experts, experts and agencies. Cached slot
    searches are valid while the versions they were computed at are unchanged."""

    scope = Varchar(length=64, primary_key=True)
    version = BigInt(default=0)


TABLES: tuple[type[Table], ...] = (
    AvailabilityVersion,
    Service,
    ServiceExpert,
    Booking,
    JointSession,
    JointParticipant,
    Reservation,
    CalendarPush,
    KeyCustomer,
    ContactRequest,
    ContactReply,
    Feedback,
)
