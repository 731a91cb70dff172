"""Tables of the booking domain's core: the service catalogue, bookings, reservations,
key-customer managers and what was written into experts' own calendars."""

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
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from calendars.tables import Agency, Expert, ExternalCalendar


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
    joint_session: ForeignKey[Table] = ForeignKey(
        LazyTableReference("JointSession", module_path="booking.joint.tables"),
        on_delete=OnDelete.cascade,
        null=True,
        index=True,
    )
    hold: ForeignKey[Table] = ForeignKey(
        LazyTableReference("Hold", module_path="booking.holds.tables"),
        on_delete=OnDelete.cascade,
        null=True,
        index=True,
    )
    expires_at = Timestamptz(null=True, default=None)
    """A hold's end: from then on the row no longer holds the time (slot search and every
    writer ignore it; the writer that next wants the time deletes it, under the lock)."""


class KeyCustomer(Table):
    """An agency's key-customer manager (avainasiakasvastaava) for a company (Y-tunnus): the
    company's bookings of the agency's services prefer them and its contact requests go to
    them (or to their substitute while they are away). One per agency and company. An
    inactive one is kept (its manager shown) but routes nothing."""

    id: Serial  # added by Piccolo; declared for the type checker

    agency = ForeignKey(Agency, on_delete=OnDelete.cascade, index=True)
    business_id = Varchar(length=9, index=True)
    company = Varchar(length=200, default="")
    expert = ForeignKey(Expert, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    active = Boolean(default=True)


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
    Reservation,
    KeyCustomer,
    CalendarPush,
)
