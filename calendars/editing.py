"""Editing and retiring what administration created: agencies, experts, service points and
their rooms. Each change is one transaction; a retired row is kept (bookings point at it)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time
from typing import Any

import msgspec
from piccolo.columns import Column

from calendars.directory import (
    WeeklyInterval,
    agency_id,
    check_agency_scope,
    check_expert_fields,
    expert_in_scope,
    parse_hours,
)
from calendars.directory_search.profiles import bio_of, profile_changed
from calendars.schemas import AgencyPatch, ExpertPatch, ServicePointPatch, hour_rows
from calendars.tables import Agency, Expert, Room, ServicePoint, ServicePointHours, WorkingHours
from luukku.database import write_transaction
from luukku.problems import Conflict, FieldError, InvalidInput, NotAllowed, NotFound
from security import audit
from staff.accounts import StaffMember, set_active, set_password, user_of_expert

Changes = dict[Column | str, Any]


def _given(value: Any) -> bool:
    return value is not msgspec.UNSET


@dataclass(frozen=True, slots=True)
class AgencyDetails:
    id: int
    slug: str
    names: dict[str, str]
    active: bool
    business_services_email: str | None


async def agency_details(member: StaffMember, slug: str) -> AgencyDetails:
    """An agency the caller administers; NotFound for any other (it may not know of it)."""
    row = await Agency.select().where(Agency.slug == slug).first()
    if row is None or not (member.has_role("admin") or member.agency_id == row["id"]):
        raise NotFound(f"No agency {slug!r}.", [FieldError("slug", "unknown agency")])
    return AgencyDetails(
        row["id"],
        row["slug"],
        {"fi": row["name_fi"], "sv": row["name_sv"], "en": row["name_en"]},
        row["active"],
        row["business_services_email"],
    )


async def update_agency(member: StaffMember, slug: str, patch: AgencyPatch) -> AgencyDetails:
    """Names, the business-services mailbox and `active`; retiring is for admins only."""
    agency = await agency_details(member, slug)
    changes: Changes = {}
    if _given(patch.name):
        names = patch.name.as_dict()  # type: ignore[union-attr]
        changes |= {Agency.name_fi: names["fi"], Agency.name_sv: names["sv"]}
        changes[Agency.name_en] = names["en"]
    if _given(patch.active):
        if not member.has_role("admin"):
            raise NotAllowed("Only administrators retire an agency.")
        changes[Agency.active] = patch.active
    if _given(patch.business_services_email):
        email = patch.business_services_email
        if email is not None and "@" not in str(email):
            raise InvalidInput.field("business_services_email", "give an email address")
        changes[Agency.business_services_email] = None if email is None else str(email).strip()
    if changes:
        await Agency.update(changes).where(Agency.id == agency.id)
    return await agency_details(member, slug)


@dataclass(frozen=True, slots=True)
class ExpertDetails:
    id: int
    agency_id: int
    agency_slug: str
    name: str
    email: str
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    topics: tuple[str, ...]
    timezone: str
    kind: str
    active: bool
    bio: dict[str, str]
    hours: tuple[WeeklyInterval, ...]


async def expert_details(member: StaffMember, expert_id: int) -> ExpertDetails:
    """An expert of an agency the caller administers; NotFound for anyone else's."""
    await expert_in_scope(member, expert_id)
    row = await (
        Expert.select(*Expert.all_columns(), Expert.agency.slug.as_alias("agency_slug"))
        .where(Expert.id == expert_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No expert {expert_id}.", [FieldError("id", "unknown expert")])
    hours = (
        await WorkingHours.select()
        .where(WorkingHours.expert == expert_id)
        .order_by(WorkingHours.weekday)
        .order_by(WorkingHours.start_time)
    )
    return ExpertDetails(
        id=row["id"],
        agency_id=row["agency"],
        agency_slug=row["agency_slug"],
        name=row["name"],
        email=row["email"],
        languages=tuple(row["languages"]),
        channels=tuple(row["channels"]),
        topics=tuple(row["topics"]),
        timezone=row["timezone"],
        kind=row["kind"],
        active=row["active"],
        bio=await bio_of(expert_id),
        hours=tuple(WeeklyInterval(h["weekday"], h["start_time"], h["end_time"]) for h in hours),
    )


async def _expert_changes(
    member: StaffMember, current: ExpertDetails, patch: ExpertPatch
) -> Changes:
    changes: Changes = {}
    if _given(patch.agency):
        target = await agency_id(str(patch.agency))
        check_agency_scope(member, target)
        changes[Expert.agency] = target
    for field in ("name", "languages", "channels", "topics", "timezone", "kind", "active"):
        value = getattr(patch, field)
        if _given(value):
            changes[getattr(Expert, field)] = value
    if _given(patch.email):
        email = str(patch.email).strip().lower()
        taken = await Expert.exists().where((Expert.email == email) & (Expert.id != current.id))
        if taken:
            raise Conflict("An expert with that email exists.", [FieldError("email", "taken")])
        changes[Expert.email] = email
    check_expert_fields(
        changes.get(Expert.kind, current.kind),
        changes.get(Expert.languages, current.languages),
        changes.get(Expert.channels, current.channels),
        changes.get(Expert.timezone, current.timezone),
    )
    return changes


async def update_expert(member: StaffMember, expert_id: int, patch: ExpertPatch) -> ExpertDetails:
    """Change an expert; `active: false` retires them: no slots from then on (the slot search
    reads active experts only), their login refused and their own calendars no longer fetched.
    Their bookings stay; the caller lists and moves them (booking.staffing)."""
    current = await expert_details(member, expert_id)
    changes = await _expert_changes(member, current, patch)
    hours: list[WeeklyInterval] | None = None
    if _given(patch.working_hours):
        hours = parse_hours(hour_rows(patch.working_hours), "working_hours")  # type: ignore[arg-type]
        for a, b in itertools.combinations(hours, 2):
            if a.weekday == b.weekday and a.start < b.end and b.start < a.end:
                raise InvalidInput.field("working_hours", f"intervals overlap on {a.weekday}")
    async with write_transaction(Expert._meta.db):
        if changes:
            await Expert.update(changes).where(Expert.id == expert_id)
        if hours is not None:
            await WorkingHours.delete().where(WorkingHours.expert == expert_id)
            if hours:
                await WorkingHours.insert(
                    *(
                        WorkingHours(
                            expert=expert_id, weekday=h.weekday, start_time=h.start, end_time=h.end
                        )
                        for h in hours
                    )
                )
        bio = patch.bio.as_dict() if _given(patch.bio) else None  # type: ignore[union-attr]
        await profile_changed(expert_id, bio)
        user = await user_of_expert(expert_id)
        if user is not None and _given(patch.active):
            await set_active(user, bool(patch.active))
    detail = "" if not _given(patch.active) else "reactivated" if patch.active else "retired"
    await audit.record(audit.staff_actor(member), "change", f"expert:{expert_id}", detail)
    return await expert_details(member, expert_id)


async def reset_expert_password(member: StaffMember, expert_id: int, password: str) -> None:
    """A new password for the expert's login; their sessions signed in before end now."""
    await expert_in_scope(member, expert_id)
    user = await user_of_expert(expert_id)
    if user is None:
        raise NotFound(f"Expert {expert_id} has no login.", [FieldError("id", "no login")])
    await set_password(user, password)
    await audit.record(audit.staff_actor(member), "change", f"expert:{expert_id}", "password")


@dataclass(frozen=True, slots=True)
class RoomDetails:
    slug: str
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class ServicePointDetails:
    id: int
    slug: str
    names: dict[str, str]
    address: str
    active: bool
    rooms: tuple[RoomDetails, ...]
    hours: tuple[tuple[int, time, time], ...]


async def service_point_details(slug: str) -> ServicePointDetails:
    row = await ServicePoint.select().where(ServicePoint.slug == slug).first()
    if row is None:
        raise NotFound(f"No service point {slug!r}.", [FieldError("slug", "unknown point")])
    rooms = await Room.select().where(Room.service_point == row["id"]).order_by(Room.id)
    hours = (
        await ServicePointHours.select()
        .where(ServicePointHours.service_point == row["id"])
        .order_by(ServicePointHours.weekday, ServicePointHours.start_time)
    )
    return ServicePointDetails(
        id=row["id"],
        slug=row["slug"],
        names={"fi": row["name_fi"], "sv": row["name_sv"], "en": row["name_en"]},
        address=row["address"],
        active=row["active"],
        rooms=tuple(RoomDetails(r["slug"], r["name"], r["active"]) for r in rooms),
        hours=tuple((h["weekday"], h["start_time"], h["end_time"]) for h in hours),
    )


async def _set_rooms(point_id: int, patch: ServicePointPatch) -> None:
    wanted = {room.slug: room for room in patch.rooms}  # type: ignore[union-attr]
    if len(wanted) != len(patch.rooms):  # type: ignore[arg-type]
        raise InvalidInput.field("rooms", "each room needs a slug of its own")
    existing = {
        r["slug"]: r["id"] for r in await Room.select().where(Room.service_point == point_id)
    }
    for slug, room_id in existing.items():
        room = wanted.get(slug)
        changes: Changes = {Room.active: False} if room is None else {}
        if room is not None:
            changes = {Room.name: room.name, Room.active: room.active}
        await Room.update(changes).where(Room.id == room_id)
    new = [room for slug, room in wanted.items() if slug not in existing]
    if new:
        await Room.insert(
            *(Room(service_point=point_id, slug=r.slug, name=r.name, active=r.active) for r in new)
        )


async def update_service_point(slug: str, patch: ServicePointPatch) -> ServicePointDetails:
    """Names, address, opening hours, rooms and `active`; a room left out is deactivated."""
    point = await service_point_details(slug)
    changes: Changes = {}
    if _given(patch.name):
        names = patch.name.as_dict()  # type: ignore[union-attr]
        changes |= {ServicePoint.name_fi: names["fi"], ServicePoint.name_sv: names["sv"]}
        changes[ServicePoint.name_en] = names["en"]
    if _given(patch.address):
        changes[ServicePoint.address] = patch.address
    if _given(patch.active):
        changes[ServicePoint.active] = patch.active
    hours = None
    if _given(patch.opening_hours):
        hours = parse_hours(hour_rows(patch.opening_hours), "opening_hours")  # type: ignore[arg-type]
    async with write_transaction(ServicePoint._meta.db):
        if changes:
            await ServicePoint.update(changes).where(ServicePoint.id == point.id)
        if _given(patch.rooms):
            await _set_rooms(point.id, patch)
        if hours is not None:
            await ServicePointHours.delete().where(ServicePointHours.service_point == point.id)
            if hours:
                await ServicePointHours.insert(
                    *(
                        ServicePointHours(
                            service_point=point.id,
                            weekday=h.weekday,
                            start_time=h.start,
                            end_time=h.end,
                        )
                        for h in hours
                    )
                )
    return await service_point_details(slug)
