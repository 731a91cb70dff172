"""Working time of an agency: its weekly service hours minus Finnish public holidays.

Contact requests are answered within 24 *working* hours, so due times are computed on this
clock, not approximated: a request on a Friday afternoon is due in the middle of the next
week, and one before Christmas after the holidays. Hours are local wall-clock times in the
agency's zone, so they keep their meaning across the DST changes; all instants are UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """One weekly local interval: weekday (Monday 0), start and end wall-clock times."""

    weekday: int
    start: time
    end: time


Holidays = Callable[[date, date], frozenset[date]]
"""The closed days from one local date to another, inclusive."""


def no_holidays(first: date, last: date) -> frozenset[date]:
    return frozenset()


DEFAULT_HOURS = tuple(WeeklyHours(weekday, time(8), time(16)) for weekday in range(5))
"""Monday to Friday 8–16, for an agency that has not set its own hours."""
DEFAULT_ZONE = "Europe/Helsinki"
_YEAR = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class ServiceHours:
    """When an agency works: weekly local intervals in a zone, less its closed days (the
    caller passes the holiday calendar; the engine knows none of its own)."""

    weekly: tuple[WeeklyHours, ...] = DEFAULT_HOURS
    zone: str = DEFAULT_ZONE
    holidays: Holidays = no_holidays

    def intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals overlapping [start, end), clipped to it, in order, UTC."""
        zone = ZoneInfo(self.zone)
        first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        closed = self.holidays(first, last)
        day = first
        while day <= last:
            if day not in closed:
                yield from _clipped(self._day(day, zone), start, end)
            day += timedelta(days=1)

    def _day(self, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
        return sorted(
            (
                datetime.combine(day, hours.start, zone).astimezone(UTC),
                datetime.combine(day, hours.end, zone).astimezone(UTC),
            )
            for hours in self.weekly
            if hours.weekday == day.weekday()
        )

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant when `amount` of working time has passed since `start`."""
        if not self.weekly:
            raise ValueError("an agency without service hours has no working time")
        left = amount
        window = start
        while True:
            for begin, finish in self.intervals(window, window + timedelta(days=31)):
                if finish - begin >= left:
                    return begin + left
                left -= finish - begin
            window += timedelta(days=31)
            if window - start > _YEAR:
                raise ValueError("no working time within a year")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        if end <= start:
            return timedelta()
        return sum((finish - begin for begin, finish in self.intervals(start, end)), timedelta())


def _clipped(
    intervals: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    for begin, finish in intervals:
        begin, finish = max(begin, start), min(finish, end)
        if begin < finish:
            yield begin, finish
