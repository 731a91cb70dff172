"""Request and response bodies of the waitlist API, as msgspec Structs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from booking.bookings.schemas import CustomerIn, ExpertOut, Slug
from luukku.database import RowId
from luukku.wire import NO_NUL


class WaitlistJoin(msgspec.Struct, forbid_unknown_fields=True):
    service: Slug
    channel: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)]
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)]
    latest: date
    customer: CustomerIn | None = None
    """Required, unless `booking_reference` names the booking whose customer waits."""
    earliest: date | None = None
    expert_id: RowId | None = None
    booking_reference: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)] | None = None
    """A booking to move to the offered time; needs its manage token as the Bearer token."""
    privacy_notice_version: Annotated[str, msgspec.Meta(max_length=32, pattern=NO_NUL)] | None = (
        None
    )


class WaitlistJoined(msgspec.Struct):
    reference: str
    status: str
    token: str
    status_url: str


class OfferOut(msgspec.Struct):
    start: datetime
    end: datetime
    expires_at: datetime
    expert: ExpertOut


class WaitlistOut(msgspec.Struct):
    reference: str
    status: str
    service: str
    channel: str
    language: str
    earliest: date
    latest: date
    expert_id: int | None
    booking_reference: str | None
    offer: OfferOut | None
