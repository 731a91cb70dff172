"""Availability engine: pure functions from expert schedules and slot rules to bookable starts.

Every datetime crossing a function boundary is an aware UTC datetime. Local wall-clock time exists
only inside, because working-hours rules are written in the expert's own IANA time zone.
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

_ONE_DAY = timedelta(days=1)
# Datetimes have microsecond resolution, so "s < end" is exactly "s <= end - 1 µs".
_RESOLUTION = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Interval:
    """Half-open [start, end) between aware UTC datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class LocalHours:
    """A wall-clock interval within one local day; start < end."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"LocalHours must have start < end, got {self.start}-{self.end}")


@dataclass(frozen=True, slots=True)
class ExpertSchedule:
    """Everything that decides when one expert can take a new booking."""

    expert_id: int
    timezone: str
    weekly: Mapping[int, tuple[LocalHours, ...]]
    overrides: Mapping[date, tuple[LocalHours, ...]] = field(default_factory=dict)
    absences: tuple[Interval, ...] = ()
    holidays: frozenset[date] = frozenset()
    reservations: tuple[Interval, ...] = ()
    bookings_per_day: Mapping[date, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SlotRules:
    """How a service is booked: slot length, grid step, buffers and booking window."""

    duration: timedelta
    interval: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=90)
    daily_limit: int | None = None

    def __post_init__(self) -> None:
        # A non-positive step would never advance the grid; a non-positive duration books nothing.
        if self.duration <= timedelta(0) or self.interval <= timedelta(0):
            raise ValueError("SlotRules.duration and SlotRules.interval must be positive")
        if self.buffer_before < timedelta(0) or self.buffer_after < timedelta(0):
            raise ValueError("SlotRules buffers must not be negative")


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start offered to customers, with every expert free at that time."""

    start: datetime
    end: datetime
    expert_ids: tuple[int, ...]


class Refusal(enum.Enum):
    """Why a start time cannot be booked, in the order the checks are made."""

    PAST = "past"
    NOTICE = "notice"
    HORIZON = "horizon"
    OUTSIDE_HOURS = "outside_hours"
    OFF_GRID = "off_grid"
    UNAVAILABLE = "unavailable"


def _utc(moment: datetime) -> datetime:
    # Normalise at the boundary: aware datetimes sharing one ZoneInfo add and subtract in wall-clock
    # time, which is off by an hour across DST; UTC arithmetic is absolute.
    if moment.tzinfo is UTC:
        return moment
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {moment!r}")
    return moment.astimezone(UTC)


def _ceil_steps(span: timedelta, step: timedelta) -> int:
    return -(-span // step)


def reserved_interval(start: datetime, rules: SlotRules) -> Interval:
    """Return [start - buffer_before, start + duration + buffer_after): what a booking reserves."""
    start = _utc(start)
    return Interval(start - rules.buffer_before, start + rules.duration + rules.buffer_after)


def _hours_on(schedule: ExpertSchedule, day_local: date) -> tuple[LocalHours, ...]:
    if day_local in schedule.overrides:
        return schedule.overrides[day_local]
    if day_local in schedule.holidays:
        return ()
    return schedule.weekly.get(day_local.weekday(), ())


# One working interval: the local date of its rule, then its UTC start and end.
_WorkingDay = tuple[date, datetime, datetime]


def _working_days(schedule: ExpertSchedule, start: datetime, end: datetime) -> list[_WorkingDay]:
    """Working intervals overlapping [start, end), each with the local date of its rule."""
    start, end = _utc(start), _utc(end)
    if not start < end:
        return []
    zone = ZoneInfo(schedule.timezone)
    # One spare day each side, so a DST shift can never hide an interval near a range edge.
    day_local = start.astimezone(zone).date() - _ONE_DAY
    last_day_local = end.astimezone(zone).date() + _ONE_DAY
    found: list[_WorkingDay] = []
    while day_local <= last_day_local:
        for hours in _hours_on(schedule, day_local):
            # fold=0: a wall time skipped by spring-forward maps forward; a repeated one
            # takes its first occurrence.
            opens = datetime.combine(day_local, hours.start, tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day_local, hours.end, tzinfo=zone).astimezone(UTC)
            if opens < end and start < closes:
                found.append((day_local, opens, closes))
        day_local += _ONE_DAY
    found.sort(key=itemgetter(1, 2))
    return found


def working_intervals(schedule: ExpertSchedule, start: datetime, end: datetime) -> list[Interval]:
    """Return the expert's working hours as sorted UTC intervals overlapping [start, end).

    Weekly rules, overrides and holidays are applied; absences are NOT subtracted. There is one
    interval per local rule interval, neither clipped nor merged: each keeps its own start, which
    anchors the slot grid.
    """
    return [Interval(opens, closes) for _, opens, closes in _working_days(schedule, start, end)]


def _blocked_starts(
    schedule: ExpertSchedule, rules: SlotRules
) -> tuple[list[datetime], list[datetime]]:
    """Return the open intervals (after, before) of starts colliding with a reservation or absence.

    They come merged and sorted, as two parallel lists so a sweep can bisect them.
    """
    reach_forward = rules.duration + rules.buffer_after
    regions = [
        (_utc(reserved.start) - reach_forward, _utc(reserved.end) + rules.buffer_before)
        for reserved in schedule.reservations
    ]
    regions += [
        (_utc(absent.start) - rules.duration, _utc(absent.end)) for absent in schedule.absences
    ]
    regions.sort()
    afters: list[datetime] = []
    befores: list[datetime] = []
    for after, before in regions:
        if after >= before:
            continue
        # Open intervals that merely touch leave that instant free, so only merge on overlap.
        if befores and after < befores[-1]:
            befores[-1] = max(befores[-1], before)
        else:
            afters.append(after)
            befores.append(before)
    return afters, befores


def _window(
    rules: SlotRules, start: datetime, end: datetime, now: datetime
) -> tuple[datetime, datetime] | None:
    """The earliest and latest start a search of [start, end) at `now` may offer; None if none."""
    start, end, now = _utc(start), _utc(end), _utc(now)
    earliest = max(start, now, now + rules.min_notice)
    latest = min(now + rules.horizon, end - _RESOLUTION)
    return None if latest < earliest else (earliest, latest)


def _day_grids(
    working_days: Iterable[_WorkingDay], rules: SlotRules, earliest: datetime, latest: datetime
) -> list[list[datetime]]:
    """For each working interval, the starts in [earliest, latest] on its grid that fit in it.

    Each interval anchors its own grid at its start. Whether a start is free is not checked.
    """
    step, duration = rules.interval, rules.duration
    grids = []
    for _, grid_origin, closes in working_days:
        last_allowed = min(closes - duration, latest)
        starts = []
        if earliest <= last_allowed and grid_origin <= last_allowed:
            candidate = grid_origin + max(0, _ceil_steps(earliest - grid_origin, step)) * step
            while candidate <= last_allowed:
                starts.append(candidate)
                candidate += step
        grids.append(starts)
    return grids


def _joined(grids: Iterable[list[datetime]]) -> list[datetime]:
    """The starts of several day grids, sorted and unique."""
    starts: list[datetime] = []
    in_order = True
    for grid in grids:
        if grid and starts and grid[0] <= starts[-1]:
            in_order = False  # overlapping rule intervals; fixed once at the end
        starts += grid
    return starts if in_order else sorted(set(starts))


def _open_grid(
    schedule: ExpertSchedule,
    rules: SlotRules,
    working_days: list[_WorkingDay],
    day_grids: list[list[datetime]],
    all_days: list[datetime] | None = None,
) -> list[datetime]:
    """The grid starts of the days the daily limit leaves open; `all_days` is the joined
    `day_grids`, when already known."""
    limit = rules.daily_limit
    if limit is not None:
        # Working intervals never cross local midnight: the rule's date is the local date of
        # every start inside it.
        per_day = schedule.bookings_per_day
        if any(per_day.get(day_local, 0) >= limit for day_local, _, _ in working_days):
            return _joined(
                grid
                for (day_local, _, _), grid in zip(working_days, day_grids, strict=True)
                if per_day.get(day_local, 0) < limit
            )
    return _joined(day_grids) if all_days is None else all_days


def _unblocked(grid: list[datetime], schedule: ExpertSchedule, rules: SlotRules) -> list[datetime]:
    """The starts of the sorted `grid` that collide with no reservation or absence."""
    blocked_after, blocked_before = _blocked_starts(schedule, rules)
    free: list[datetime] = []
    decided = 0  # grid[:decided] is settled
    for after, before in zip(blocked_after, blocked_before, strict=True):
        # A region blocks the starts strictly between `after` and `before`. Regions are sorted
        # and disjoint, so each search begins where the previous one ended.
        first_blocked = bisect_right(grid, after, decided)
        free += grid[decided:first_blocked]
        decided = bisect_left(grid, before, first_blocked)
    free += grid[decided:]
    return free


def free_starts(
    schedule: ExpertSchedule, rules: SlotRules, start: datetime, end: datetime, now: datetime
) -> list[datetime]:
    """Sorted unique UTC start times s with start <= s < end at which a new booking fits."""
    window = _window(rules, start, end, now)
    if window is None:
        return []
    earliest, latest = window
    working_days = _working_days(schedule, earliest, latest + rules.duration)
    day_grids = _day_grids(working_days, rules, earliest, latest)
    return _unblocked(_open_grid(schedule, rules, working_days, day_grids), schedule, rules)


def free_among(
    schedule: ExpertSchedule, rules: SlotRules, candidates: Sequence[datetime], now: datetime
) -> list[datetime]:
    """The sorted unique UTC `candidates` at which a booking fits `schedule`: inside notice and
    horizon, wholly inside one working interval, clear of reservations and absences. Unlike
    free_starts, the starts need not lie on the schedule's own grid: a joint session's times
    are laid out on the service point's opening hours, and each participant is asked only
    whether they are free then. The daily limit (a service's) does not apply.
    """
    if not candidates:
        return []
    starts = sorted({_utc(candidate) for candidate in candidates})
    window = _window(rules, starts[0], starts[-1] + _RESOLUTION, now)
    if window is None:
        return []
    earliest, latest = window
    starts = starts[bisect_left(starts, earliest) : bisect_right(starts, latest)]
    if not starts:
        return []
    inside: set[datetime] = set()
    for _, opens, closes in _working_days(schedule, starts[0], starts[-1] + rules.duration):
        first = bisect_left(starts, opens)
        inside.update(starts[first : bisect_right(starts, closes - rules.duration, first)])
    return _unblocked(sorted(inside), schedule, rules)


def check_start(
    schedule: ExpertSchedule, rules: SlotRules, start: datetime, now: datetime
) -> Refusal | None:
    """Return None when `start` is bookable, else the first reason in the Refusal order.

    Bookability itself is decided by free_starts, so every listed slot is bookable and nothing
    unlisted is.
    """
    start, now = _utc(start), _utc(now)
    if start < now:
        return Refusal.PAST
    if start < now + rules.min_notice:
        return Refusal.NOTICE
    if start > now + rules.horizon:
        return Refusal.HORIZON
    containing = [
        working
        for working in working_intervals(schedule, start, start + rules.duration)
        if working.start <= start and start + rules.duration <= working.end
    ]
    if not containing:
        return Refusal.OUTSIDE_HOURS
    if all((start - working.start) % rules.interval for working in containing):
        return Refusal.OFF_GRID
    if start not in free_starts(schedule, rules, start, start + _RESOLUTION, now):
        return Refusal.UNAVAILABLE
    return None


def _merged(starts_by_expert: Mapping[int, Iterable[datetime]], duration: timedelta) -> list[Slot]:
    """merge_slots for UTC starts that no expert repeats."""
    # Visiting experts in id order keeps every list sorted.
    experts_at: defaultdict[datetime, list[int]] = defaultdict(list)
    for expert_id in sorted(starts_by_expert):
        for start in starts_by_expert[expert_id]:
            experts_at[start].append(expert_id)
    return [Slot(start, start + duration, tuple(experts_at[start])) for start in sorted(experts_at)]


def merge_slots(
    starts_by_expert: Mapping[int, Sequence[datetime]], duration: timedelta
) -> list[Slot]:
    """One Slot per distinct start, listing every expert free then; sorted by start."""
    return _merged(
        {
            expert_id: dict.fromkeys(map(_utc, starts))
            for expert_id, starts in starts_by_expert.items()
        },
        duration,
    )


def _calendar_key(schedule: ExpertSchedule) -> Hashable | None:
    """What decides an expert's working intervals, so equal calendars can share them.

    None when equal rules could still give different intervals: a time with a tzinfo or with
    fold=1 compares equal to times that `datetime.combine` treats differently.
    """
    for hours in (*schedule.weekly.values(), *schedule.overrides.values()):
        for local in hours:
            start, end = local.start, local.end
            if start.tzinfo is not None or end.tzinfo is not None or start.fold or end.fold:
                return None
    return (
        schedule.timezone,
        tuple(schedule.weekly.items()),
        tuple(schedule.overrides.items()),
        schedule.holidays,
    )


# Working intervals, the grid of each and all of them joined: what equal calendars share.
_Calendar = tuple[list[_WorkingDay], list[list[datetime]], list[datetime]]


def bookable_slots(
    schedules: Mapping[int, ExpertSchedule],
    rules: SlotRules,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Slot]:
    """merge_slots of each expert's free_starts in [start, end), the experts keyed as given.

    The same slots as calling those two, faster: experts whose calendars are equal share their
    working intervals and grid, down to the datetime objects, whose hashes are then computed
    once for the merge.
    """
    window = _window(rules, start, end, now)
    if window is None:
        return []
    earliest, latest = window
    calendars: dict[Hashable, _Calendar] = {}
    starts_by_expert: dict[int, list[datetime]] = {}
    for expert_id, schedule in schedules.items():
        key = _calendar_key(schedule)
        try:
            calendar = calendars.get(key) if key is not None else None
        except TypeError:  # unhashable rules, e.g. lists instead of tuples
            key, calendar = None, None
        if calendar is None:
            working_days = _working_days(schedule, earliest, latest + rules.duration)
            day_grids = _day_grids(working_days, rules, earliest, latest)
            calendar = (working_days, day_grids, _joined(day_grids))
            if key is not None:
                calendars[key] = calendar
        grid = _open_grid(schedule, rules, *calendar)
        starts_by_expert[expert_id] = _unblocked(grid, schedule, rules)
    return _merged(starts_by_expert, rules.duration)


def without_window(rules: SlotRules, start: datetime, end: datetime) -> SlotRules:
    """`rules` with no minimum notice and a horizon past `end`: bookable_slots at `now=start`
    then offers every free start of [start, end), whatever the time, so a result can be kept
    and narrowed to a later `now` with in_window (what time moving on removes or admits)."""
    return replace(rules, min_notice=timedelta(0), horizon=_utc(end) - _utc(start) + _ONE_DAY)


def in_window(
    slots: Sequence[Slot], rules: SlotRules, start: datetime, end: datetime, now: datetime
) -> list[Slot]:
    """The sorted `slots` a search of [start, end) at `now` may offer under `rules`' notice and
    horizon: with slots computed under without_window, exactly bookable_slots at `now`."""
    first, stop = window_bounds(slots, rules, start, end, now)
    return list(slots[first:stop])


def window_bounds(
    slots: Sequence[Slot], rules: SlotRules, start: datetime, end: datetime, now: datetime
) -> tuple[int, int]:
    """`in_window` as positions: the sorted `slots[first:stop]` are the ones it offers."""
    window = _window(rules, start, end, now)
    if window is None or not slots:
        return 0, 0
    earliest, latest = window
    starts = [slot.start for slot in slots]
    return bisect_left(starts, earliest), bisect_right(starts, latest)
