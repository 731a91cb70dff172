"""Tables of joint remote sessions: the session and its participants."""

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
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from calendars.tables import Agency, Expert, Room, ServicePoint
from staff.tables import StaffUser


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


TABLES: tuple[type[Table], ...] = (
    JointSession,
    JointParticipant,
)
