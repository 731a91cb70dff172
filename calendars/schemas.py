"""Request and response bodies of the calendars domain's API, as msgspec Structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from luukku.database import RowId
from luukku.wire import NO_NUL

Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]


Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NO_NUL)]


AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]


ClockTime = Annotated[str, msgspec.Meta(max_length=5, pattern=r"^\d{2}:\d{2}$")]


class Names(msgspec.Struct, forbid_unknown_fields=True):
    fi: Name
    sv: Name
    en: Name

    def as_dict(self) -> dict[str, str]:
        return {"fi": self.fi, "sv": self.sv, "en": self.en}


class HoursIn(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6)]
    start: ClockTime
    end: ClockTime


class HoursOut(msgspec.Struct):
    weekday: int
    start: str
    end: str


class AgencyIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Names


class ExpertIn(msgspec.Struct, forbid_unknown_fields=True):
    agency: Slug
    name: Name
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=NO_NUL)]
    password: Annotated[str, msgspec.Meta(min_length=12, max_length=1024)]
    languages: list[Code]
    channels: list[Code]
    topics: list[Code]
    working_hours: list[HoursIn]
    timezone: Code = "Europe/Helsinki"
    kind: Code = "advisor"
    """`advisor`, or `interpreter` (a remote interpreter for joint sessions; `languages` are
    the languages interpreted)."""


class AbsenceIn(msgspec.Struct, forbid_unknown_fields=True):
    start: AwareDateTime
    end: AwareDateTime
    reason: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] = ""
    substitute_id: RowId | None = None


class RoomIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Name


class ServicePointIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name: Names
    address: Annotated[str, msgspec.Meta(max_length=300, pattern=NO_NUL)]
    rooms: list[RoomIn]
    opening_hours: list[HoursIn]


class Created(msgspec.Struct):
    id: int


def hour_rows(rows: list[HoursIn]) -> list[tuple[int, str, str]]:
    """Weekly hours as the directory takes them: (weekday, "HH:MM", "HH:MM")."""
    return [(h.weekday, h.start, h.end) for h in rows]


CHANNELS = ("in_person", "phone", "video")


LANGUAGES = ("fi", "sv", "en")
