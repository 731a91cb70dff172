"""Request and response bodies of the public booking API, as msgspec Structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from luukku.database import RowId
from luukku.wire import NO_NUL

# PostgreSQL cannot store NUL in text; refuse it at the edge on both engines alike.
Short = Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)]
Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NO_NUL)]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]
"""A row id as the databases store it (a 32-bit serial): anything else is refused at the edge."""


class CustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=NO_NUL)]
    phone: Annotated[str, msgspec.Meta(max_length=32, pattern=NO_NUL)] | None = None
    company: Short | None = None
    business_id: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)] | None = None
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)] | None = None


class BookingCreate(msgspec.Struct, forbid_unknown_fields=True):
    service: Slug
    start: AwareDateTime
    channel: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)]
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)]
    customer: CustomerIn
    expert_id: RowId | None = None
    message: Annotated[str, msgspec.Meta(max_length=4000, pattern=NO_NUL)] | None = None
    privacy_notice_version: Annotated[str, msgspec.Meta(max_length=32, pattern=NO_NUL)] | None = (
        None
    )
    hold_token: Annotated[str, msgspec.Meta(max_length=64, pattern=NO_NUL)] | None = None
    """Books the time this hold keeps (POST /api/v1/holds); its expert, whatever `expert_id`."""


class BookingCancel(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=1000, pattern=NO_NUL)] | None = None


class BookingReschedule(msgspec.Struct, forbid_unknown_fields=True):
    start: AwareDateTime


class AgencyOut(msgspec.Struct):
    slug: str
    name: str


class ServiceOut(msgspec.Struct):
    slug: str
    name: str
    description: str
    duration_minutes: int
    channels: list[str]
    languages: list[str]
    topics: list[str]
    agency: AgencyOut


class ServiceList(msgspec.Struct):
    services: list[ServiceOut]


class SlotOut(msgspec.Struct):
    start: datetime
    end: datetime
    experts: list[int]


class SlotList(msgspec.Struct):
    slots: list[SlotOut]


class ExpertOut(msgspec.Struct):
    id: int
    name: str


class CustomerOut(msgspec.Struct):
    name: str
    email: str | None
    """None in a joint session's entry for its experts, who see only the customer's name."""
    phone: str | None
    company: str | None
    business_id: str | None
    language: str


class JointPeerOut(msgspec.Struct):
    expert_id: int
    name: str
    agency: str


class JointSessionPart(msgspec.Struct):
    """What an expert sees of a joint session they take part in."""

    service_point: str
    room: str
    matter: str
    participants: list[JointPeerOut]
    interpreter: JointPeerOut | None
    interpreter_language: str
    join_url: str
    """The expert's own join link."""


class DeliveryProblemOut(msgspec.Struct):
    """A message about the booking that could not be delivered (staff views only)."""

    kind: str
    recipient: str
    attempts: int
    error: str
    due_at: datetime


class HistoryOut(msgspec.Struct):
    at: datetime
    event: str
    """`created`, `rescheduled`, `cancelled`, `expert_changed` or `outcome_recorded`."""
    by: str
    """`customer`, `staff` or `system`."""


class BookingOut(msgspec.Struct, omit_defaults=True):
    reference: str
    status: str
    start: datetime
    end: datetime
    channel: str
    language: str
    service: str
    expert: ExpertOut
    customer: CustomerOut
    message: str = ""
    video_url: str | None = None
    cancel_reason: str | None = None
    manage_token: str | None = None
    manage_url: str | None = None
    kind: str = "booking"
    """`booking`, or `joint_session` (then `joint_session` tells the rest)."""
    joint_session: JointSessionPart | None = None
    delivery_problems: list[DeliveryProblemOut] | None = None
    """Staff views: messages to the customer or the expert that failed for good."""
    outcome: str | None = None
    """Staff views: `completed` or `no_show` once marked."""
    history: list[HistoryOut] | None = None
    """The customer's reads: what happened to the booking, oldest first."""
