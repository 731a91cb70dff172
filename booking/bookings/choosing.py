"""Which expert takes a start time: the same engine check as the slot search, the key-customer
manager first, then the least loaded; or the most useful reason why nobody can."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count

from booking.bookings.slots import expert_schedules
from booking.catalogue.services import ServiceInfo
from booking.engine.availability import Refusal, check_start
from booking.tables import Booking
from calendars.schedules import ExpertProfile
from luukku.problems import FieldError, InvalidInput, SlotTaken


def _start_error(refusals: Iterable[Refusal | None], service: ServiceInfo) -> Exception:
    """The most useful explanation when no candidate expert can take a start time."""
    found = set(refusals)
    messages = {
        Refusal.PAST: "is in the past",
        Refusal.NOTICE: f"must be at least {service.min_notice_minutes} minutes from now",
        Refusal.HORIZON: f"is more than {service.horizon_days} days ahead",
        Refusal.OFF_GRID: (
            f"is not one of the service's start times "
            f"(every {service.slot_interval_minutes} minutes from the start of working hours)"
        ),
        Refusal.OUTSIDE_HOURS: "is outside the service's hours",
    }
    for refusal in (Refusal.PAST, Refusal.NOTICE, Refusal.HORIZON):
        if refusal in found:
            return InvalidInput.field("start", messages[refusal])
    if Refusal.UNAVAILABLE in found:
        return SlotTaken("The time is no longer free.", [FieldError("start", "already booked")])
    if Refusal.OFF_GRID in found:
        return InvalidInput.field("start", messages[Refusal.OFF_GRID])
    return InvalidInput.field("start", messages[Refusal.OUTSIDE_HOURS])


async def _least_loaded(candidates: Sequence[ExpertProfile], start: datetime) -> ExpertProfile:
    """Fewest confirmed bookings in the start's week (Monday to Sunday, the first candidate's
    zone); ties go to the lowest expert id, so the choice is deterministic."""
    zone = ZoneInfo(candidates[0].timezone)
    local = start.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    week_start = datetime.combine(monday, time(), zone).astimezone(UTC)
    week_end = datetime.combine(monday + timedelta(days=7), time(), zone).astimezone(UTC)
    rows = (
        await Booking.select(Booking.expert, Count(alias="bookings"))
        .where(
            Booking.expert.is_in([e.id for e in candidates])
            & (Booking.status == "confirmed")
            & (Booking.starts_at >= week_start)
            & (Booking.starts_at < week_end)
        )
        .group_by(Booking.expert)
    )
    load = Counter({row["expert"]: row["bookings"] for row in rows})
    return min(candidates, key=lambda e: (load[e.id], e.id))


async def take_start(
    service: ServiceInfo,
    candidates: Sequence[ExpertProfile],
    start: datetime,
    now: datetime,
    preferred: int | None = None,
) -> ExpertProfile:
    """Inside a booking transaction: the expert who gets `start`, checked by the same engine
    that lists slots, or the reason nobody can. The `preferred` expert (the company's
    key-customer manager) gets it whenever they are free."""
    schedules = await expert_schedules(
        service, candidates, start, start + service.rules.duration, now
    )
    refusals = {e.id: check_start(schedules[e.id], service.rules, start, now) for e in candidates}
    free = [e for e in candidates if refusals[e.id] is None]
    if not free:
        raise _start_error(refusals.values(), service)
    for expert in free:
        if expert.id == preferred:
            return expert
    return free[0] if len(free) == 1 else await _least_loaded(free, start)
