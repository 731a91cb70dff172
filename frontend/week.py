"""A week of free times laid out for a page: Monday to Sunday in Helsinki, slots per day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from booking.engine.availability import Slot
from frontend.formatting import HELSINKI, local

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DayOfSlots:
    day: date
    slots: tuple[Slot, ...]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_range(monday: date) -> tuple[datetime, datetime]:
    """The week starting `monday` as a UTC range, midnight to midnight in Helsinki."""
    return (
        datetime.combine(monday, time(), HELSINKI).astimezone(UTC),
        datetime.combine(monday + WEEK, time(), HELSINKI).astimezone(UTC),
    )


def chosen_week(requested: date | None, today: date) -> date:
    """The Monday of the requested week, never a week already over."""
    this_week = monday_of(today)
    return max(monday_of(requested), this_week) if requested else this_week


def days_of_week(monday: date, slots: Sequence[Slot]) -> list[DayOfSlots]:
    by_day: dict[date, list[Slot]] = {monday + timedelta(days=n): [] for n in range(7)}
    for slot in slots:
        day = local(slot.start).date()
        if day in by_day:
            by_day[day].append(slot)
    return [DayOfSlots(day, tuple(day_slots)) for day, day_slots in by_day.items()]
