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


class TopicOut(msgspec.Struct):
    slug: str
    name: str


class DirectoryAgencyOut(msgspec.Struct):
    slug: str
    name: str


class DirectoryExpertOut(msgspec.Struct):
    id: int
    name: str
    agency: DirectoryAgencyOut
    topics: list[TopicOut]
    languages: list[str]
    channels: list[str]
    bio: str
    services: list[str]


class DirectoryOut(msgspec.Struct):
    experts: list[DirectoryExpertOut]


Unset = msgspec.UnsetType


class ServicePatch(msgspec.Struct, forbid_unknown_fields=True):
    """`PATCH /api/v1/admin/services/{slug}`: any field of the create body but `slug`, plus
    `active`; a field left out keeps its value."""

    agency: Slug | Unset = msgspec.UNSET
    name: Names | Unset = msgspec.UNSET
    description: Descriptions | Unset = msgspec.UNSET
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)] | Unset = msgspec.UNSET
    buffer_before_minutes: Minutes | Unset = msgspec.UNSET
    buffer_after_minutes: Minutes | Unset = msgspec.UNSET
    min_notice_minutes: Annotated[int, msgspec.Meta(ge=0, le=60 * 24 * 60)] | Unset = msgspec.UNSET
    horizon_days: Annotated[int, msgspec.Meta(ge=1, le=731)] | Unset = msgspec.UNSET
    slot_interval_minutes: Annotated[int, msgspec.Meta(ge=5, le=8 * 60)] | Unset = msgspec.UNSET
    channels: list[Code] | Unset = msgspec.UNSET
    languages: list[Code] | Unset = msgspec.UNSET
    experts: list[RowId] | Unset = msgspec.UNSET
    topics: list[Code] | Unset = msgspec.UNSET
    daily_limit: Annotated[int, msgspec.Meta(ge=1, le=100)] | Unset | None = msgspec.UNSET
    reminder_minutes: (
        Annotated[
            list[Annotated[int, msgspec.Meta(ge=1, le=14 * 24 * 60)]], msgspec.Meta(max_length=5)
        ]
        | Unset
    ) = msgspec.UNSET
    active: bool | Unset = msgspec.UNSET


class KeyCustomerPatch(msgspec.Struct, forbid_unknown_fields=True):
    """`PATCH /api/v1/admin/key-customers/{id}`: the company's business ID and name, its
    manager (an active expert of the same agency) and `active`; a field left out keeps its
    value. An inactive key customer routes nothing to its manager."""

    business_id: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=16, pattern=NO_NUL)] | Unset
    ) = msgspec.UNSET
    company: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] | Unset = msgspec.UNSET
    expert_id: RowId | Unset = msgspec.UNSET
    active: bool | Unset = msgspec.UNSET
