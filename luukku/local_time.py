"""Local time at the edges: time zones by name, and local date ranges as UTC instants."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from luukku.instants import bounded_date
from luukku.problems import InvalidInput
from luukku.settings import Settings


def search_range(
    start: date, end: date, zone: ZoneInfo, settings: Settings
) -> tuple[datetime, datetime]:
    """Local dates `start`..`end` (inclusive) as a UTC range, or InvalidInput naming the field."""
    # The same years as every stored instant: far outside them datetime arithmetic overflows.
    bounded_date(start, "start")
    bounded_date(end, "end")
    if end < start:
        raise InvalidInput.field("end", "must not be before start")
    if (end - start).days + 1 > settings.max_slot_range_days:
        raise InvalidInput.field(
            "end", f"a search covers at most {settings.max_slot_range_days} days"
        )
    return (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC),
    )


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput.field("tz", f"unknown time zone {name!r}") from exc


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def default_zone(settings: Settings) -> ZoneInfo:
    """The deployment's default time zone (`DEFAULT_TIMEZONE`), built once per name."""
    return _zone(settings.default_timezone)
