"""A staff calendar as a time grid: each day a column, each entry placed by its minutes.

Pure layout: entries in, columns of positioned entries out (percentages of the day's visible
hours), so the template only draws boxes. Entries crossing midnight or the visible hours are
cut to what shows on each day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from frontend.formatting import HELSINKI

FIRST_HOUR = 7
LAST_HOUR = 19


@dataclass(frozen=True, slots=True)
class Entry:
    """Something in the calendar: a booking, an absence or a busy time from another calendar."""

    kind: str
    start: datetime
    end: datetime
    title: str = ""
    href: str = ""
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Placed:
    entry: Entry
    top: float
    """Percent of the column height from its top."""
    height: float


@dataclass(frozen=True, slots=True)
class Column:
    day: date
    placed: tuple[Placed, ...]
    working: tuple[tuple[float, float], ...] = ()
    """(top, height) in percent of the expert's working hours that day: shaded in the grid."""


def visible_hours(entries: Sequence[Entry]) -> tuple[int, int]:
    """Office hours, widened to show every entry that starts earlier or ends later."""
    first, last = FIRST_HOUR, LAST_HOUR
    for entry in entries:
        start, end = entry.start.astimezone(HELSINKI), entry.end.astimezone(HELSINKI)
        if start.date() == end.date():
            first = min(first, start.hour)
            last = max(last, end.hour + (1 if end.minute else 0))
    return first, last


def _shade(
    day: date, hours: Sequence[tuple[int, time, time]], top_of_day: datetime, span: timedelta
) -> tuple[tuple[float, float], ...]:
    shaded = []
    for weekday, opens, closes in hours:
        if weekday != day.weekday():
            continue
        start = max(datetime.combine(day, opens, HELSINKI), top_of_day)
        end = min(datetime.combine(day, closes, HELSINKI), top_of_day + span)
        if start < end:
            shaded.append((100 * ((start - top_of_day) / span), 100 * ((end - start) / span)))
    return tuple(shaded)


def lay_out(
    days: Sequence[date],
    entries: Sequence[Entry],
    working: Sequence[tuple[int, time, time]] = (),
) -> tuple[list[int], list[Column]]:
    """The hour marks and one column a day with its entries placed; `working` hours
    (weekday, start, end) are shaded."""
    first, last = visible_hours(entries)
    span = timedelta(hours=last - first)
    columns = []
    for day in days:
        top_of_day = datetime.combine(day, time(first), HELSINKI)
        bottom_of_day = top_of_day + span
        placed = []
        for entry in sorted(entries, key=lambda e: (e.start, e.kind)):
            start, end = max(entry.start, top_of_day), min(entry.end, bottom_of_day)
            if start >= end:
                continue
            placed.append(
                Placed(
                    entry,
                    top=100 * ((start - top_of_day) / span),
                    height=100 * ((end - start) / span),
                )
            )
        columns.append(Column(day, tuple(placed), _shade(day, working, top_of_day, span)))
    return list(range(first, last)), columns
