"""Request and response bodies of the holds API, as msgspec Structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from booking.bookings.schemas import AwareDateTime, ExpertOut, Slug
from luukku.database import MAX_ROW_ID
from luukku.wire import NO_NUL


class HoldCreate(msgspec.Struct, forbid_unknown_fields=True):
    service: Slug
    start: AwareDateTime
    channel: Annotated[str, msgspec.Meta(max_length=16, pattern=NO_NUL)]
    language: Annotated[str, msgspec.Meta(max_length=8, pattern=NO_NUL)]
    expert_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ROW_ID)] | None = None


class HoldOut(msgspec.Struct):
    hold_token: str
    expires_at: datetime
    expert: ExpertOut
