"""Request and response bodies of the service-quality API (contact requests, key customers,
outcomes and feedback), as msgspec Structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from booking.bookings.schemas import (
    CustomerIn,
    CustomerOut,
    Slug,
)
from luukku.database import RowId
from luukku.wire import NO_NUL


class ContactRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    topic: Slug
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=NO_NUL)]
    channel: Choice
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)]
    customer: CustomerIn
    agency: Slug | None = None
    privacy_notice_version: Annotated[str, msgspec.Meta(max_length=32, pattern=NO_NUL)] | None = (
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
    status_token: str | None = None
    """Only in the answer to the submission: `Authorization: Bearer` for the status route."""
    status_url: str | None = None
    """Only in the answer to the submission: the page that follows the request."""


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
    expert_id: RowId


class ReplyIn(msgspec.Struct, forbid_unknown_fields=True):
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=10000, pattern=NO_NUL)]
    channel: Choice = "email"
    """`email` sends the message to the customer; `phone`/`video` records an answer given."""


class ConvertIn(msgspec.Struct, forbid_unknown_fields=True):
    service: Slug
    start: Annotated[datetime, msgspec.Meta(tz=True)]
    channel: Choice
    expert_id: RowId | None = None
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)] | None = None


class ConvertOut(msgspec.Struct):
    contact_request: StaffContactRequestOut
    booking_reference: str


class KeyCustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    business_id: Annotated[str, msgspec.Meta(min_length=1, max_length=16, pattern=NO_NUL)]
    expert_id: RowId
    company: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] = ""


class KeyCustomerOut(msgspec.Struct):
    id: int
    agency: str
    business_id: str
    company: str
    expert_id: int
    expert_name: str
    active: bool
    """False: the key customer is kept but routes nothing to its manager."""


class OutcomeIn(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)]
    """`completed` (the customer then gets the feedback request) or `no_show`."""


class FeedbackQuestionOut(msgspec.Struct):
    id: str
    text: str


class FeedbackFormOut(msgspec.Struct):
    reference: str
    service: str
    start: datetime
    expires_at: datetime
    answered: bool
    questions: list[FeedbackQuestionOut]


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    needs_met: int
    communication: int
    comment: Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)] = ""


class FeedbackThanksOut(msgspec.Struct):
    status: str = "received"


Choice = Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)]


class StepOut(msgspec.Struct):
    at: datetime
    event: str
    """`received`, `assigned`, `answered`, `converted` or `closed`."""
    by: str
    """`customer`, `staff` or `system`."""


class ContactStatusOut(msgspec.Struct):
    reference: str
    status: str
    """`received`, `assigned`, `answered`, `converted` or `closed`."""
    due_at: datetime
    history: list[StepOut]
