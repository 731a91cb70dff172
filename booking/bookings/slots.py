"""Free times of a service: loads what the availability engine needs, then asks it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from booking.bookings.cover import with_substitutes
from booking.bookings.reservations import expert_resource, first_hold_expiry, reservations_of
from booking.bookings.slot_cache import (
    CATALOGUE_SCOPE,
    CachedSearch,
    SearchKey,
    SlotCache,
    read_versions,
)
from booking.catalogue.services import (
    ServiceInfo,
    check_channel_and_language,
    eligible_experts,
    get_service,
)
from booking.engine.availability import (
    ExpertSchedule,
    Interval,
    LocalHours,
    Slot,
    bookable_slots,
    window_bounds,
    without_window,
)
from booking.tables import Booking
from calendars.schedules import ExpertProfile, TimeRange, load_working_calendars
from luukku.database import read_snapshot
from luukku.problems import NotFound
from luukku.replicas import replica_reads

# Reservations and absences reach past the requested range by at most a day (buffers, DST).
_PADDING = timedelta(days=1)


def _hours(ranges: tuple[TimeRange, ...]) -> tuple[LocalHours, ...]:
    return tuple(LocalHours(start, end) for start, end in ranges)


def _outside(
    cover: tuple[tuple[datetime, datetime], ...], start: datetime, end: datetime
) -> tuple[Interval, ...]:
    """The parts of [start, end) that `cover` (sorted) leaves out: when a substitute does not
    stand in, which the engine treats as absences."""
    gaps = []
    edge = start
    for cover_start, cover_end in cover:
        if cover_start > edge:
            gaps.append(Interval(edge, min(cover_start, end)))
        edge = max(edge, cover_end)
    if edge < end:
        gaps.append(Interval(edge, end))
    return tuple(gap for gap in gaps if gap.start < gap.end)


async def _bookings_per_day(
    service: ServiceInfo, experts: Sequence[ExpertProfile], start: datetime, end: datetime
) -> dict[int, Counter[date]]:
    rows = await Booking.select(Booking.expert, Booking.starts_at).where(
        (Booking.service == service.id)
        & (Booking.status == "confirmed")
        & Booking.expert.is_in([e.id for e in experts])
        & (Booking.starts_at >= start)
        & (Booking.starts_at < end)
    )
    zones = {e.id: ZoneInfo(e.timezone) for e in experts}
    counts: dict[int, Counter[date]] = defaultdict(Counter)
    for row in rows:
        counts[row["expert"]][row["starts_at"].astimezone(zones[row["expert"]]).date()] += 1
    return counts


async def expert_schedules(
    service: ServiceInfo | None,
    experts: Sequence[ExpertProfile],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict[int, ExpertSchedule]:
    """What the engine needs about `experts` around [start, end), in a fixed number of queries;
    with a service, also how many of its bookings each has per day (its daily limit)."""
    if not experts:
        return {}
    load_start, load_end = start - _PADDING, end + _PADDING
    calendars = await load_working_calendars(experts, load_start, load_end)
    held = await reservations_of(
        (expert_resource(e.id) for e in experts), load_start, load_end, now
    )
    per_day = (
        await _bookings_per_day(service, experts, load_start, load_end)
        if service is not None and service.daily_limit is not None
        else {}
    )
    schedules = {}
    for expert in experts:
        calendar = calendars[expert.id]
        schedules[expert.id] = ExpertSchedule(
            expert_id=expert.id,
            timezone=calendar.timezone,
            weekly={day: _hours(r) for day, r in calendar.weekly.items()},
            overrides={day: _hours(r) for day, r in calendar.overrides.items()},
            absences=(
                *(Interval(s, e) for s, e in calendar.absences),
                *(_outside(expert.stands_in, load_start, load_end) if expert.stands_in else ()),
            ),
            holidays=calendar.holidays,
            reservations=tuple(held.get(expert_resource(expert.id), ())),
            bookings_per_day=per_day.get(expert.id, {}),
        )
    return schedules


async def find_slots(
    service: ServiceInfo,
    experts: Sequence[ExpertProfile],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Slot]:
    """Bookable start times in [start, end), each with the experts free then."""
    schedules = await expert_schedules(service, experts, start, end, now)
    return bookable_slots(schedules, service.rules, start, end, now)


@dataclass(frozen=True, slots=True)
class FoundSlots:
    """A search's answer as positions in a computed result: `every[first:stop]` are offered.
    `kept` is the kept result they come from (None without a cache): with the search key, it
    names a computation, so whatever is derived from it (the API's JSON) can be kept too."""

    every: Sequence[Slot]
    first: int
    stop: int
    kept: CachedSearch | None = None

    def offered(self) -> list[Slot]:
        return list(self.every[self.first : self.stop])


async def search_slots(
    slug: str,
    start: datetime,
    end: datetime,
    now: datetime,
    channel: str | None = None,
    language: str | None = None,
    expert_id: int | None = None,
    cache: SlotCache | None = None,
) -> list[Slot]:
    """The public slot search, read from a replica when one is configured and current. With a
    `cache`, a kept result whose availability versions are unchanged answers after one
    statement; otherwise one read transaction on one snapshot, so the versions read inside it
    match the data the result is computed from."""
    key: SearchKey = (slug, start, end, channel, language, expert_id)
    return (await find_offered(key, now, cache)).offered()


async def find_offered(key: SearchKey, now: datetime, cache: SlotCache | None) -> FoundSlots:
    """search_slots for the search `key`, as positions in the (kept) result."""
    with replica_reads():
        return await _search(key, now, cache)


async def _search(key: SearchKey, now: datetime, cache: SlotCache | None) -> FoundSlots:
    slug, start, end, channel, language, expert_id = key
    if cache is not None:
        kept = await cache.get(key)
        fresh = kept is not None and (kept.valid_until is None or now < kept.valid_until)
        if kept is not None and fresh and await cache.current_versions(kept.scopes) == kept.stamp:
            cache.hits += 1
            return FoundSlots(
                kept.slots, *window_bounds(kept.slots, kept.rules, start, end, now), kept
            )
        cache.misses += 1
    async with read_snapshot(Booking._meta.db):
        service = await get_service(slug)
        check_channel_and_language(service, channel, language)
        experts = await eligible_experts(service, channel, language, expert_id)
        if expert_id is not None and not experts:
            raise NotFound(f"Expert {expert_id} does not give this service.")
        experts = await with_substitutes(experts, start, end, channel, language)
        if cache is None:
            found = await find_slots(service, experts, start, end, now)
            return FoundSlots(found, 0, len(found))
        scopes = (CATALOGUE_SCOPE, *(expert_resource(expert.id) for expert in experts))
        stamp = await read_versions(scopes)
        schedules = await expert_schedules(service, experts, start, end, now)
        until = await first_hold_expiry(scopes[1:], start - _PADDING, end + _PADDING, now)
    every = bookable_slots(schedules, without_window(service.rules, start, end), start, end, start)
    entry = CachedSearch(scopes, stamp, service.rules, tuple(every), until)
    await cache.put(key, entry)
    return FoundSlots(
        entry.slots, *window_bounds(entry.slots, service.rules, start, end, now), entry
    )
