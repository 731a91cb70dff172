"""Free times offered instead of a dead end: the nearest to a time just taken, and each
service's first free start for the catalogue. Both ask the slot search (with its cache)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from booking.bookings.slot_cache import SlotCache
from booking.bookings.slots import search_slots
from booking.engine.availability import Slot

NEAREST_LOOK_BACK = timedelta(days=7)
NEAREST_LOOK_AHEAD = timedelta(days=21)


async def nearest_free_slots(
    slug: str,
    wanted: datetime,
    now: datetime,
    channel: str | None = None,
    language: str | None = None,
    expert_id: int | None = None,
    count: int = 3,
    cache: SlotCache | None = None,
) -> list[Slot]:
    """The `count` free starts nearest to `wanted` (a time just taken), earliest first: what a
    customer is offered instead of a dead end."""
    found = await search_slots(
        slug,
        max(now, wanted - NEAREST_LOOK_BACK),
        wanted + NEAREST_LOOK_AHEAD,
        now,
        channel,
        language,
        expert_id,
        cache,
    )
    nearest = sorted(found, key=lambda slot: (abs(slot.start - wanted), slot.start))[:count]
    return sorted(nearest, key=lambda slot: slot.start)


async def first_free_starts(
    slugs: Sequence[str], now: datetime, span: timedelta, cache: SlotCache | None = None
) -> dict[str, datetime]:
    """Each service's first free start within `span` from today (any channel, language and
    expert); a service with none is left out. For the catalogue's "next free time". The range
    starts at midnight (UTC), so the slot cache keeps one search per service a day."""
    found: dict[str, datetime] = {}
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for slug in slugs:
        slots = await search_slots(slug, day, day + span, now, cache=cache)
        if slots:
            found[slug] = min(slot.start for slot in slots)
    return found
