"""Administration of who can be booked: agencies, experts and their hours, absences, points."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendars.schemas import CHANNELS, LANGUAGES, ExpertIn, hour_rows
from calendars.tables import (
    Absence,
    Agency,
    AgencyHours,
    DateOverride,
    Expert,
    Room,
    ServicePoint,
    ServicePointHours,
    WorkingHours,
)
from luukku.database import write_transaction
from luukku.instants import bounded, bounded_date, clamped
from luukku.problems import Conflict, FieldError, InvalidInput, NotAllowed, NotFound
from staff.accounts import StaffMember, create_staff_user


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    weekday: int
    start: time
    end: time


def parse_hours(rows: Sequence[tuple[int, str, str]], field: str) -> list[WeeklyInterval]:
    """`[(weekday, "HH:MM", "HH:MM")]` checked: weekday 0-6, start before end."""
    intervals = []
    for index, (weekday, start, end) in enumerate(rows):
        where = f"{field}.{index}"
        try:
            start_time, end_time = time.fromisoformat(start), time.fromisoformat(end)
        except ValueError as exc:
            raise InvalidInput.field(where, "times are HH:MM") from exc
        if not 0 <= weekday <= 6:
            raise InvalidInput.field(f"{where}.weekday", "0 (Monday) to 6 (Sunday)")
        if start_time >= end_time:
            raise InvalidInput.field(f"{where}.end", "must be after start")
        intervals.append(WeeklyInterval(weekday, start_time, end_time))
    return intervals


EXPERT_KINDS = ("advisor", "interpreter")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _check_choices(values: Sequence[str], allowed: Sequence[str], field: str) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput.field(field, f"unknown {unknown}; use {', '.join(allowed)}")


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput.field("timezone", f"unknown time zone {name!r}") from exc


async def agency_id(slug: str, field: str = "agency") -> int:
    row = await Agency.select(Agency.id).where(Agency.slug == slug).first()
    if row is None:
        raise NotFound(f"No agency {slug!r}.", [FieldError(field, "unknown agency")])
    return int(row["id"])


def check_agency_scope(member: StaffMember, agency: int) -> None:
    """Admins act everywhere; agency admins only within their own agency."""
    if not member.has_role("admin") and member.agency_id != agency:
        raise NotAllowed("Agency admins manage their own agency only.")


async def create_agency(slug: str, names: dict[str, str]) -> int:
    if await Agency.exists().where(Agency.slug == slug):
        raise Conflict(f"Agency {slug!r} exists already.", [FieldError("slug", "taken")])
    agency = Agency(slug=slug, name_fi=names["fi"], name_sv=names["sv"], name_en=names["en"])
    await agency.save()
    return int(agency.id)


async def create_expert(
    member: StaffMember,
    *,
    agency_slug: str,
    name: str,
    email: str,
    password: str,
    languages: Sequence[str],
    channels: Sequence[str],
    topics: Sequence[str],
    working_hours: Sequence[tuple[int, str, str]],
    timezone: str,
    kind: str = "advisor",
) -> int:
    """An expert (an advisor, or a remote interpreter), their weekly hours and their staff
    login, in one transaction."""
    agency = await agency_id(agency_slug)
    check_agency_scope(member, agency)
    _check_choices([kind], EXPERT_KINDS, "kind")
    if kind == "advisor":
        _check_choices(languages, LANGUAGES, "languages")
    elif not languages or not all(_LANGUAGE_TAG.fullmatch(tag) for tag in languages):
        raise InvalidInput.field(
            "languages", "list the languages interpreted as codes such as ar, so, ru, fse"
        )
    _check_choices(channels, CHANNELS, "channels")
    _check_zone(timezone)
    hours = parse_hours(working_hours, "working_hours")
    email = email.strip().lower()
    async with write_transaction(Expert._meta.db):
        if await Expert.exists().where(Expert.email == email):
            raise Conflict("An expert with that email exists.", [FieldError("email", "taken")])
        expert = Expert(
            agency=agency,
            name=name,
            email=email,
            timezone=timezone,
            languages=list(languages),
            channels=list(channels),
            topics=list(topics),
            kind=kind,
        )
        await expert.save()
        if hours:
            await WorkingHours.insert(
                *(
                    WorkingHours(
                        expert=expert.id, weekday=h.weekday, start_time=h.start, end_time=h.end
                    )
                    for h in hours
                )
            )
        await create_staff_user(
            email=email,
            password=password,
            name=name,
            roles=["expert"],
            agency_id=agency,
            expert_id=int(expert.id),
        )
    return int(expert.id)


async def expert_in_scope(member: StaffMember, expert_id: int, field: str = "id") -> int:
    """The expert's agency, or NotFound when the caller may not know the expert exists."""
    row = await Expert.select(Expert.agency).where(Expert.id == expert_id).first()
    if row is None or not (member.has_role("admin") or member.agency_id == row["agency"]):
        raise NotFound(f"No expert {expert_id}.", [FieldError(field, "unknown expert")])
    return int(row["agency"])


async def add_absence(
    member: StaffMember,
    expert_id: int,
    start: datetime,
    end: datetime,
    reason: str,
    substitute_id: int | None = None,
) -> int:
    await expert_in_scope(member, expert_id)
    start, end = bounded(start, "start"), bounded(end, "end")
    if end <= start:
        raise InvalidInput.field("end", "must be after start")
    if substitute_id is not None:
        if substitute_id == expert_id:
            raise InvalidInput.field("substitute_id", "cannot substitute for oneself")
        await expert_in_scope(member, substitute_id, "substitute_id")
    absence = Absence(
        expert=expert_id,
        starts_at=start.replace(microsecond=0),
        ends_at=end.replace(microsecond=0),
        reason=reason,
        substitute=substitute_id,
    )
    await absence.save()
    return int(absence.id)


async def create_service_point(
    *,
    slug: str,
    names: dict[str, str],
    address: str,
    rooms: Sequence[tuple[str, str]],
    opening_hours: Sequence[tuple[int, str, str]],
) -> int:
    hours = parse_hours(opening_hours, "opening_hours")
    async with write_transaction(ServicePoint._meta.db):
        if await ServicePoint.exists().where(ServicePoint.slug == slug):
            raise Conflict(f"Service point {slug!r} exists.", [FieldError("slug", "taken")])
        point = ServicePoint(
            slug=slug,
            name_fi=names["fi"],
            name_sv=names["sv"],
            name_en=names["en"],
            address=address,
        )
        await point.save()
        if rooms:
            await Room.insert(*(Room(service_point=point.id, slug=s, name=n) for s, n in rooms))
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
    return int(point.id)


@dataclass(frozen=True, slots=True)
class AbsenceView:
    id: int
    start: datetime
    end: datetime
    reason: str
    substitute_id: int | None


@dataclass(frozen=True, slots=True)
class OverrideView:
    id: int
    date: date
    start: time | None
    end: time | None


def own_expert(member: StaffMember) -> int:
    """The caller's own expert id; only experts keep a calendar of their own."""
    if member.expert_id is None:
        raise NotAllowed("Only experts have working hours of their own.")
    return member.expert_id


async def weekly_hours(expert_id: int) -> list[WeeklyInterval]:
    rows = (
        await WorkingHours.select()
        .where(WorkingHours.expert == expert_id)
        .order_by(WorkingHours.weekday)
        .order_by(WorkingHours.start_time)
    )
    return [WeeklyInterval(r["weekday"], r["start_time"], r["end_time"]) for r in rows]


async def replace_weekly_hours(expert_id: int, rows: Sequence[tuple[int, str, str]]) -> None:
    """The whole week at once, so a half-saved week never exists."""
    hours = parse_hours(rows, "working_hours")
    for a, b in itertools.combinations(hours, 2):
        if a.weekday == b.weekday and a.start < b.end and b.start < a.end:
            raise InvalidInput.field("working_hours", f"intervals overlap on weekday {a.weekday}")
    async with write_transaction(WorkingHours._meta.db):
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


async def replace_agency_hours(
    member: StaffMember, slug: str, rows: Sequence[tuple[int, str, str]]
) -> list[WeeklyInterval]:
    """An agency's service hours (when contact requests are answered), the whole week at
    once; at least one interval, none overlapping."""
    agency = await agency_id(slug, "slug")
    check_agency_scope(member, agency)
    hours = parse_hours(rows, "service_hours")
    if not hours:
        raise InvalidInput.field("service_hours", "give at least one interval")
    for a, b in itertools.combinations(hours, 2):
        if a.weekday == b.weekday and a.start < b.end and b.start < a.end:
            raise InvalidInput.field("service_hours", f"intervals overlap on weekday {a.weekday}")
    async with write_transaction(AgencyHours._meta.db):
        await AgencyHours.delete().where(AgencyHours.agency == agency)
        await AgencyHours.insert(
            *(
                AgencyHours(agency=agency, weekday=h.weekday, start_time=h.start, end_time=h.end)
                for h in hours
            )
        )
    return sorted(hours, key=lambda h: (h.weekday, h.start))


async def absences_of(expert_id: int) -> list[AbsenceView]:
    rows = await Absence.select().where(Absence.expert == expert_id).order_by(Absence.starts_at)
    return [
        AbsenceView(
            r["id"], clamped(r["starts_at"]), clamped(r["ends_at"]), r["reason"], r["substitute"]
        )
        for r in rows
    ]


async def delete_absence(expert_id: int, absence_id: int) -> None:
    deleted = (
        await Absence.delete()
        .where((Absence.id == absence_id) & (Absence.expert == expert_id))
        .returning(Absence.id)
    )
    if not deleted:
        raise NotFound(f"No absence {absence_id}.")


async def overrides_of(expert_id: int) -> list[OverrideView]:
    rows = (
        await DateOverride.select()
        .where(DateOverride.expert == expert_id)
        .order_by(DateOverride.date)
    )
    return [OverrideView(r["id"], r["date"], r["start_time"], r["end_time"]) for r in rows]


async def add_override(expert_id: int, day: date, start: str | None, end: str | None) -> int:
    """Hours that replace the weekly ones on `day`; without times the day is closed."""
    bounded_date(day, "date")
    if (start is None) != (end is None):
        raise InvalidInput.field("end", "give both start and end, or neither to close the day")
    start_time = end_time = None
    if start is not None and end is not None:
        [hours] = parse_hours([(day.weekday(), start, end)], "hours")
        start_time, end_time = hours.start, hours.end
    override = DateOverride(expert=expert_id, date=day, start_time=start_time, end_time=end_time)
    await override.save()
    return int(override.id)


async def delete_override(expert_id: int, override_id: int) -> None:
    deleted = (
        await DateOverride.delete()
        .where((DateOverride.id == override_id) & (DateOverride.expert == expert_id))
        .returning(DateOverride.id)
    )
    if not deleted:
        raise NotFound(f"No date override {override_id}.")


async def colleagues(expert_id: int) -> list[tuple[int, str]]:
    """(id, name) of the other active experts of the expert's agency: possible substitutes."""
    own = await Expert.select(Expert.agency).where(Expert.id == expert_id).first()
    if own is None:
        raise NotFound(f"No expert {expert_id}.")
    rows = (
        await Expert.select(Expert.id, Expert.name)
        .where((Expert.agency == own["agency"]) & (Expert.id != expert_id) & Expert.active.eq(True))
        .order_by(Expert.name)
    )
    return [(row["id"], row["name"]) for row in rows]


@dataclass(frozen=True, slots=True)
class AgencyView:
    id: int
    slug: str
    names: dict[str, str]


async def agencies_for(member: StaffMember) -> list[AgencyView]:
    """The agencies `member` administers: all for admins, their own for agency admins."""
    query = Agency.select(
        Agency.id, Agency.slug, Agency.name_fi, Agency.name_sv, Agency.name_en
    ).order_by(Agency.slug)
    if not member.has_role("admin"):
        query = query.where(Agency.id == (member.agency_id or 0))
    return [
        AgencyView(
            row["id"],
            row["slug"],
            {"fi": row["name_fi"], "sv": row["name_sv"], "en": row["name_en"]},
        )
        for row in await query
    ]


@dataclass(frozen=True, slots=True)
class ExpertListing:
    id: int
    name: str
    email: str
    agency_slug: str
    languages: tuple[str, ...]


async def experts_of(agency_ids: Sequence[int]) -> list[ExpertListing]:
    """The active experts of these agencies, by name."""
    if not agency_ids:
        return []
    rows = (
        await Expert.select(
            Expert.id,
            Expert.name,
            Expert.email,
            Expert.agency.slug.as_alias("agency_slug"),
            Expert.languages,
        )
        .where(Expert.agency.is_in(list(agency_ids)) & Expert.active.eq(True))
        .order_by(Expert.name)
    )
    return [
        ExpertListing(r["id"], r["name"], r["email"], r["agency_slug"], tuple(r["languages"]))
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class ServicePointListing:
    slug: str
    names: dict[str, str]
    address: str
    rooms: tuple[str, ...]
    """Room names."""
    hours: tuple[tuple[int, time, time], ...]
    """(weekday, opens, closes), Monday 0."""


async def service_points() -> list[ServicePointListing]:
    """Every service point with its rooms and opening hours; three queries."""
    points = await ServicePoint.select().order_by(ServicePoint.slug)
    rooms: dict[int, list[str]] = {}
    for room in await Room.select(Room.service_point, Room.name).order_by(Room.id):
        rooms.setdefault(room["service_point"], []).append(room["name"])
    hours: dict[int, list[tuple[int, time, time]]] = {}
    for row in await ServicePointHours.select().order_by(
        ServicePointHours.weekday, ServicePointHours.start_time
    ):
        hours.setdefault(row["service_point"], []).append(
            (row["weekday"], row["start_time"], row["end_time"])
        )
    return [
        ServicePointListing(
            slug=point["slug"],
            names={"fi": point["name_fi"], "sv": point["name_sv"], "en": point["name_en"]},
            address=point["address"],
            rooms=tuple(rooms.get(point["id"], ())),
            hours=tuple(hours.get(point["id"], ())),
        )
        for point in points
    ]


async def create_expert_from(member: StaffMember, data: ExpertIn) -> int:
    """An expert from the admin API's request (the admin pages post the same Struct)."""
    return await create_expert(
        member,
        agency_slug=data.agency,
        name=data.name,
        email=data.email,
        password=data.password,
        languages=data.languages,
        channels=data.channels,
        topics=data.topics,
        working_hours=hour_rows(data.working_hours),
        timezone=data.timezone,
        kind=data.kind,
    )
