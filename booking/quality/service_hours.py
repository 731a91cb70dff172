"""Agencies' service hours as the working-time clock needs them: the hours the calendars
domain keeps, with the Finnish holidays where the agency observes them."""

from __future__ import annotations

from collections.abc import Sequence

from booking.engine.working_time import DEFAULT_HOURS, ServiceHours, WeeklyHours, no_holidays
from calendars.holidays import finnish_holidays
from calendars.schedules import agency_hours


async def service_hours_of(agency_ids: Sequence[int]) -> dict[int, ServiceHours]:
    """Each agency's service hours (the default hours where it has set none)."""
    return {
        agency_id: ServiceHours(
            weekly=tuple(WeeklyHours(h.weekday, h.start, h.end) for h in hours.weekly)
            or DEFAULT_HOURS,
            holidays=finnish_holidays if hours.observe_holidays else no_holidays,
        )
        for agency_id, hours in (await agency_hours(agency_ids)).items()
    }
