"""Common free times for a joint remote session: a service point's room, one expert of every
agency asked for and, when needed, an interpreter, all free at once.

Start times are laid out on the service point's opening hours (every JOINT_SLOT_INTERVAL from
each opening), where a room is free; each expert and interpreter is then asked, by the same
availability engine as ordinary bookings, whether they are free at those instants (their own
hours, absences, holidays, external busy times and reservations all count). Each slot proposes
a participant set: per agency the free expert holding the fewest reservations in the searched
range (ties to the lowest id), likewise the interpreter and the room.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.bookings.reservations import expert_resource, reservations_of
from booking.bookings.slots import expert_schedules
from booking.engine.availability import (
    ExpertSchedule,
    Interval,
    LocalHours,
    SlotRules,
    free_among,
    free_starts,
)
from booking.joint.tables import JointSession
from calendars.agencies import agencies_named, agency_ids_by_slug
from calendars.bookable_experts import active_advisors_of, active_of_kind
from calendars.holidays import finnish_holidays
from calendars.schedules import ExpertProfile
from calendars.service_points import PointRoom, service_point_slug, video_point
from luukku.problems import FieldError, InvalidInput, NotFound

JOINT_SLOT_INTERVAL = timedelta(minutes=30)
JOINT_HORIZON = timedelta(days=180)
JOINT_MIN_NOTICE = timedelta(0)
_PADDING = timedelta(days=1)
MAX_AGENCIES = 6
INTERPRETER = "interpreter"


def room_resource(room_id: int) -> str:
    return f"room:{room_id}"


def joint_rules(duration: timedelta) -> SlotRules:
    """A joint session's rules: no buffers of its own (participants' bookings bring theirs)."""
    return SlotRules(
        duration=duration,
        interval=JOINT_SLOT_INTERVAL,
        min_notice=JOINT_MIN_NOTICE,
        horizon=JOINT_HORIZON,
    )


@dataclass(frozen=True, slots=True)
class ServicePointInfo:
    id: int
    slug: str
    name: str
    timezone: str
    rooms: tuple[PointRoom, ...]
    weekly: dict[int, tuple[LocalHours, ...]]


@dataclass(frozen=True, slots=True)
class AgencyRef:
    id: int
    slug: str


@dataclass(frozen=True, slots=True)
class Participant:
    expert_id: int
    agency: str
    """The agency's slug."""


@dataclass(frozen=True, slots=True)
class JointSlot:
    start: datetime
    end: datetime
    room: str
    """The room's slug."""
    participants: tuple[Participant, ...]
    interpreter_id: int | None


@dataclass(frozen=True, slots=True)
class JointQuery:
    """What the clerk asks for; times in UTC."""

    service_point: str
    agencies: tuple[str, ...]
    duration: timedelta
    start: datetime
    end: datetime
    room: str | None = None
    experts: tuple[int, ...] = ()
    interpreter_language: str | None = None


async def service_point_info(slug: str, room: str | None = None) -> ServicePointInfo:
    """The service point with its video rooms (only `room` when named) and opening hours."""
    point = await video_point(slug, room)
    return ServicePointInfo(
        id=point.id,
        slug=point.slug,
        name=point.name,
        timezone=point.timezone,
        rooms=point.rooms,
        weekly={
            day: tuple(LocalHours(start, end) for start, end in hours)
            for day, hours in point.weekly.items()
        },
    )


async def agencies_by_slug(slugs: Sequence[str]) -> list[AgencyRef]:
    """The agencies in the order asked; NotFound naming the first unknown one."""
    if not slugs:
        raise InvalidInput.field("agencies", "name at least one agency")
    if len(slugs) > MAX_AGENCIES:
        raise InvalidInput.field("agencies", f"at most {MAX_AGENCIES} agencies in one session")
    if len(set(slugs)) != len(slugs):
        raise InvalidInput.field("agencies", "each agency once")
    found = {slug: AgencyRef(id_, slug) for slug, id_ in (await agency_ids_by_slug(slugs)).items()}
    for index, slug in enumerate(slugs):
        if slug not in found:
            raise NotFound(
                f"No agency {slug!r}.", [FieldError(f"agencies.{index}", "unknown agency")]
            )
    return [found[slug] for slug in slugs]


async def _advisors(agency_ids: Iterable[int]) -> list[ExpertProfile]:
    """The agencies' active advisors who meet customers over video; one query."""
    advisors = await active_advisors_of(agency_ids)
    return [e for e in advisors if "video" in e.channels]


async def interpreters_for(language: str) -> list[ExpertProfile]:
    """Active remote interpreters who interpret `language`; one query."""
    interpreters = await active_of_kind(INTERPRETER)
    return [e for e in interpreters if language in e.languages]


async def candidates_per_agency(
    agencies: Sequence[AgencyRef], named: Sequence[int]
) -> dict[int, list[ExpertProfile]]:
    """For each agency its qualified experts (video advisors), or the experts named for it."""
    pool = await _advisors(a.id for a in agencies)
    by_id = {e.id: e for e in pool}
    per_agency: dict[int, list[ExpertProfile]] = {a.id: [] for a in agencies}
    for index, expert_id in enumerate(named):
        expert = by_id.get(expert_id)
        if expert is None:
            raise NotFound(
                f"Expert {expert_id} is not a video advisor of the agencies asked for.",
                [FieldError(f"experts.{index}", "not an expert of these agencies")],
            )
    named_agencies = {by_id[e].agency_id for e in named}
    for expert in pool:
        if expert.agency_id in named_agencies and expert.id not in named:
            continue
        per_agency[expert.agency_id].append(expert)
    return per_agency


def room_schedule(
    point: ServicePointInfo,
    room: PointRoom,
    held: Sequence[Interval],
    start: datetime,
    end: datetime,
) -> ExpertSchedule:
    """A room's time as the engine sees it: the service point's opening hours, closed on
    Finnish public holidays, minus the room's reservations."""
    return ExpertSchedule(
        expert_id=room.id,
        timezone=point.timezone,
        weekly=point.weekly,
        holidays=finnish_holidays(start.date() - _PADDING, end.date() + _PADDING),
        reservations=tuple(held),
    )


@dataclass(frozen=True, slots=True)
class _Resources:
    """Schedules of everything a joint session may take, and how busy each already is."""

    rooms: dict[int, ExpertSchedule]
    people: dict[int, ExpertSchedule]
    load: Counter[str]


async def load_resources(
    point: ServicePointInfo,
    people: Sequence[ExpertProfile],
    start: datetime,
    end: datetime,
    now: datetime,
) -> _Resources:
    """Schedules of the point's rooms and of `people` around [start, end), in a fixed number of
    queries."""
    load_start, load_end = start - _PADDING, end + _PADDING
    resources = [room_resource(r.id) for r in point.rooms]
    held = await reservations_of(resources, load_start, load_end, now)
    rooms = {
        r.id: room_schedule(point, r, held.get(room_resource(r.id), ()), start, end)
        for r in point.rooms
    }
    schedules = await expert_schedules(None, people, start, end, now)
    load = Counter({resource: len(intervals) for resource, intervals in held.items()})
    for expert_id, schedule in schedules.items():
        load[expert_resource(expert_id)] = len(schedule.reservations)
    return _Resources(rooms=rooms, people=schedules, load=load)


@dataclass(frozen=True, slots=True)
class CommonStart:
    """A start when everyone asked for is free, with the proposed room and people."""

    start: datetime
    room_id: int
    expert_ids: tuple[int, ...]
    """One per team, in the teams' order."""
    interpreter_id: int | None


def common_starts(
    rooms: Mapping[int, ExpertSchedule],
    teams: Sequence[Sequence[ExpertSchedule]],
    interpreters: Sequence[ExpertSchedule] | None,
    rules: SlotRules,
    start: datetime,
    end: datetime,
    now: datetime,
    load: Mapping[str, int],
) -> list[CommonStart]:
    """Starts in [start, end) on the rooms' grids when a room, one member of every team and,
    unless `interpreters` is None, an interpreter are free; earliest first. Among those free,
    each choice goes to the fewest reservations held (`load` by resource), then the lowest id.
    Pure: the engine's free_starts for rooms, free_among for people."""
    rooms_at: dict[datetime, list[int]] = defaultdict(list)
    for room_id, schedule in rooms.items():
        for moment in free_starts(schedule, rules, start, end, now):
            rooms_at[moment].append(room_id)
    candidates = sorted(rooms_at)
    people = [*(s for team in teams for s in team), *(interpreters or ())]
    free_at = {
        schedule.expert_id: set(free_among(schedule, rules, candidates, now)) for schedule in people
    }

    def least_loaded(ids: Iterable[int], kind: str) -> int | None:
        return min(ids, key=lambda i: (load.get(f"{kind}:{i}", 0), i), default=None)

    found = []
    for moment in candidates:
        chosen = [
            least_loaded((s.expert_id for s in team if moment in free_at[s.expert_id]), "expert")
            for team in teams
        ]
        interpreter_id = None
        if interpreters is not None:
            interpreter_id = least_loaded(
                (s.expert_id for s in interpreters if moment in free_at[s.expert_id]), "expert"
            )
            if interpreter_id is None:
                continue
        room = least_loaded(rooms_at[moment], "room")
        if room is None or None in chosen:
            continue
        found.append(
            CommonStart(moment, room, tuple(e for e in chosen if e is not None), interpreter_id)
        )
    return found


async def search_joint_slots(
    query: JointQuery, now: datetime, may_arrange: Callable[[ServicePointInfo], None]
) -> list[JointSlot]:
    """Start times when a room, one expert of every agency and (if asked) an interpreter are
    all free inside the service point's opening hours; earliest first. `may_arrange` raises
    when the caller may not arrange sessions at the point. One read transaction, so SQLite
    opens one connection and PostgreSQL takes one pooled connection for every query."""
    async with JointSession._meta.db.transaction():
        point = await service_point_info(query.service_point, query.room)
        may_arrange(point)
        return await _search(point, query, now)


async def _search(point: ServicePointInfo, query: JointQuery, now: datetime) -> list[JointSlot]:
    agencies = await agencies_by_slug(query.agencies)
    per_agency = await candidates_per_agency(agencies, query.experts)
    interpreters = (
        await interpreters_for(query.interpreter_language) if query.interpreter_language else []
    )
    if (
        not point.rooms
        or any(not experts for experts in per_agency.values())
        or (query.interpreter_language and not interpreters)
    ):
        return []
    everyone = [e for experts in per_agency.values() for e in experts] + interpreters
    resources = await load_resources(point, everyone, query.start, query.end, now)
    starts = common_starts(
        resources.rooms,
        [[resources.people[e.id] for e in per_agency[a.id]] for a in agencies],
        [resources.people[i.id] for i in interpreters] if query.interpreter_language else None,
        joint_rules(query.duration),
        query.start,
        query.end,
        now,
        resources.load,
    )
    room_slugs = {r.id: r.slug for r in point.rooms}
    return [
        JointSlot(
            start=found.start,
            end=found.start + query.duration,
            room=room_slugs[found.room_id],
            participants=tuple(
                Participant(expert_id, agency.slug)
                for expert_id, agency in zip(found.expert_ids, agencies, strict=True)
            ),
            interpreter_id=found.interpreter_id,
        )
        for found in starts
    ]


@dataclass(frozen=True, slots=True)
class DeskChoices:
    """What a clerk can ask for at their service point: its rooms, the agencies with video
    advisors (slug and fi/sv/en names) and the languages interpreters interpret."""

    point: ServicePointInfo
    agencies: tuple[tuple[str, dict[str, str]], ...]
    interpreter_languages: tuple[str, ...]


async def desk_choices(point_id: int) -> DeskChoices:
    slug = await service_point_slug(point_id)
    if slug is None:
        raise NotFound(f"No service point {point_id}.")
    point = await service_point_info(slug)
    advisors = await active_of_kind("advisor")
    with_video = sorted({e.agency_id for e in advisors if "video" in e.channels})
    agencies = await agencies_named(with_video)
    interpreters = await active_of_kind(INTERPRETER)
    return DeskChoices(
        point=point,
        agencies=tuple(agencies),
        interpreter_languages=tuple(sorted({lang for i in interpreters for lang in i.languages})),
    )
