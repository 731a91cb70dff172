"""Experts' working calendars: hours, overrides, absences and holidays, in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from calendars.directory import WeeklyInterval
from calendars.holidays import finnish_holidays
from calendars.tables import Absence, Agency, AgencyHours, DateOverride, ExternalBusy, WorkingHours
from luukku.compiled_queries import CompiledQuery
from luukku.instants import clamped

TimeRange = tuple[time, time]


@dataclass(frozen=True, slots=True)
class ExpertProfile:
    """The parts of an expert that booking decisions need."""

    id: int
    name: str
    agency_id: int
    timezone: str
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    topics: tuple[str, ...]
    observe_holidays: bool
    email: str = ""
    stands_in: tuple[tuple[datetime, datetime], ...] | None = None
    """For a substitute who does not give the service: the absences they cover, the only
    times they take its bookings. None for an expert who gives the service."""


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """One expert's hours in local wall-clock time plus absences in UTC; busy times read from
    the expert's own calendars count as absences."""

    expert_id: int
    timezone: str
    weekly: dict[int, tuple[TimeRange, ...]] = field(default_factory=dict)
    overrides: dict[date, tuple[TimeRange, ...]] = field(default_factory=dict)
    absences: tuple[tuple[datetime, datetime], ...] = ()
    holidays: frozenset[date] = frozenset()


# Compiled once (luukku/compiled_queries.py): every slot search and booking runs these.
_HOURS = CompiledQuery(
    WorkingHours,
    lambda ids: WorkingHours.select(
        WorkingHours.expert, WorkingHours.weekday, WorkingHours.start_time, WorkingHours.end_time
    ).where(WorkingHours.expert.is_in(ids)),
)
_OVERRIDES = CompiledQuery(
    DateOverride,
    lambda ids, first_day, last_day: DateOverride.select(
        DateOverride.expert, DateOverride.date, DateOverride.start_time, DateOverride.end_time
    ).where(
        DateOverride.expert.is_in(ids)
        & (DateOverride.date >= first_day)
        & (DateOverride.date <= last_day)
    ),
)
_ABSENCES = CompiledQuery(
    Absence,
    lambda ids, start, end: Absence.select(
        Absence.expert, Absence.starts_at, Absence.ends_at
    ).where(Absence.expert.is_in(ids) & (Absence.starts_at < end) & (Absence.ends_at > start)),
)
_EXTERNAL_BUSY = CompiledQuery(
    ExternalBusy,
    lambda ids, start, end: ExternalBusy.select(
        ExternalBusy.expert, ExternalBusy.starts_at, ExternalBusy.ends_at
    ).where(
        ExternalBusy.expert.is_in(ids)
        & (ExternalBusy.starts_at < end)
        & (ExternalBusy.ends_at > start)
    ),
)


async def load_working_calendars(
    experts: Sequence[ExpertProfile], start: datetime, end: datetime
) -> dict[int, WorkingCalendar]:
    """Calendars of `experts` covering [start, end): four queries, whatever the expert count."""
    if not experts:
        return {}
    ids = [e.id for e in experts]
    first_day, last_day = (start.date() - timedelta(days=2), end.date() + timedelta(days=2))

    hours_rows = await _HOURS(ids)
    override_rows = await _OVERRIDES(ids, first_day, last_day)
    absence_rows = await _ABSENCES(ids, start, end)
    external_rows = await _EXTERNAL_BUSY(ids, start, end)

    weekly: dict[int, dict[int, list[TimeRange]]] = defaultdict(lambda: defaultdict(list))
    for row in hours_rows:
        weekly[row["expert"]][row["weekday"]].append((row["start_time"], row["end_time"]))
    overrides: dict[int, dict[date, list[TimeRange]]] = defaultdict(lambda: defaultdict(list))
    for row in override_rows:
        day_hours = overrides[row["expert"]][row["date"]]
        if row["start_time"] is not None and row["end_time"] is not None:
            day_hours.append((row["start_time"], row["end_time"]))
    absences: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in (*absence_rows, *external_rows):
        absences[row["expert"]].append((clamped(row["starts_at"]), clamped(row["ends_at"])))

    closed = finnish_holidays(first_day, last_day)
    return {
        e.id: WorkingCalendar(
            expert_id=e.id,
            timezone=e.timezone,
            weekly={day: tuple(sorted(r)) for day, r in weekly[e.id].items()},
            overrides={day: tuple(sorted(r)) for day, r in overrides[e.id].items()},
            absences=tuple(absences[e.id]),
            holidays=closed if e.observe_holidays else frozenset(),
        )
        for e in experts
    }


@dataclass(frozen=True, slots=True)
class AgencyHoursView:
    """An agency's own weekly service hours (empty when it has set none)."""

    weekly: tuple[WeeklyInterval, ...]
    observe_holidays: bool


async def agency_hours(agency_ids: Sequence[int]) -> dict[int, AgencyHoursView]:
    """The service hours of each agency in `agency_ids` that exists."""
    ids = list(agency_ids) or [0]
    agencies = await Agency.select(Agency.id, Agency.observe_holidays).where(Agency.id.is_in(ids))
    rows = await AgencyHours.select().where(AgencyHours.agency.is_in(ids))
    weekly: dict[int, list[WeeklyInterval]] = {}
    for row in rows:
        weekly.setdefault(row["agency"], []).append(
            WeeklyInterval(row["weekday"], row["start_time"], row["end_time"])
        )
    return {
        a["id"]: AgencyHoursView(tuple(weekly.get(a["id"], ())), bool(a["observe_holidays"]))
        for a in agencies
    }
