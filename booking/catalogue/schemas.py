"""Request bodies of the service catalogue's administration API, as msgspec Structs."""

from __future__ import annotations

from typing import Annotated

import msgspec

from calendars.schemas import Code, Names, Slug
from luukku.database import RowId
from luukku.wire import NO_NUL

Minutes = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]


Description = Annotated[str, msgspec.Meta(max_length=4000, pattern=NO_NUL)]


class Descriptions(msgspec.Struct, forbid_unknown_fields=True):
    fi: Description = ""
    sv: Description = ""
    en: Description = ""


class ServiceIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    agency: Slug
    name: Names
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)]
    channels: list[Code]
    description: Descriptions | None = None
    buffer_before_minutes: Minutes = 0
    buffer_after_minutes: Minutes = 0
    min_notice_minutes: Annotated[int, msgspec.Meta(ge=0, le=60 * 24 * 60)] = 120
    horizon_days: Annotated[int, msgspec.Meta(ge=1, le=731)] = 60
    slot_interval_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)] = 30
    languages: list[Code] | None = None
    experts: list[RowId] | None = None
    topics: list[Code] | None = None
    daily_limit: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    reminder_minutes: (
        Annotated[
            list[Annotated[int, msgspec.Meta(ge=1, le=14 * 24 * 60)]], msgspec.Meta(max_length=5)
        ]
        | None
    ) = None
    """Minutes before the appointment the customer is reminded; default 24 h and 2 h, [] none."""
