"""The public slot search's JSON answer, encoded once for each kept result and time zone.

A kept result (booking/bookings/slot_cache.py) answers many searches; each narrows it to the
slots its moment may offer (`FoundSlots.first:stop`). Here each slot of a kept result is
encoded once per zone of answer, and an answer joins the encodings of the slots it offers:
byte for byte what encoding `SlotList` gives, without building a struct per slot per request.
The encodings are this process's, the least recently used dropped beyond `entries`; they are
keyed by the search and the versions of the kept result, so they are as current as it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import date
from zoneinfo import ZoneInfo

import msgspec

from booking.bookings.schemas import SlotOut
from booking.bookings.slot_cache import SearchKey, SlotCache
from booking.bookings.slots import FoundSlots, find_offered
from booking.engine.availability import Slot
from luukku.clock import Clock
from luukku.local_time import search_range, zone_named
from luukku.settings import Settings

ENCODED_RESULTS = 512
_OPEN, _CLOSE = b'{"slots":[', b"]}"


def encoded_slots(slots: Sequence[Slot], zone: ZoneInfo) -> tuple[bytes, ...]:
    """Each slot as `SlotOut` JSON, its times in `zone`."""
    encode = msgspec.json.encode
    return tuple(
        encode(
            SlotOut(
                start=slot.start.astimezone(zone),
                end=slot.end.astimezone(zone),
                experts=list(slot.expert_ids),
            )
        )
        for slot in slots
    )


class SlotAnswers:
    """`GET /api/v1/services/{slug}/slots` as a use case: dates in a zone to a JSON answer."""

    def __init__(
        self, settings: Settings, clock: Clock, cache: SlotCache, entries: int = ENCODED_RESULTS
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.cache = cache
        self._encoded: OrderedDict[Hashable, tuple[bytes, ...]] = OrderedDict()
        self._limit = entries

    async def answer(
        self,
        slug: str,
        start: date,
        end: date,
        tz: str | None,
        channel: str | None = None,
        language: str | None = None,
        expert_id: int | None = None,
    ) -> bytes:
        """The `SlotList` JSON of the local dates `start`..`end` in `tz` (or the default zone)."""
        zone = zone_named(tz or self.settings.default_timezone)
        range_start, range_end = search_range(start, end, zone, self.settings)
        key: SearchKey = (slug, range_start, range_end, channel, language, expert_id)
        found = await find_offered(key, self.clock.now(), self.cache)
        encoded = self._encoded_for(key, found, zone)
        return _OPEN + b",".join(encoded[found.first : found.stop]) + _CLOSE

    def _encoded_for(self, key: SearchKey, found: FoundSlots, zone: ZoneInfo) -> Sequence[bytes]:
        if found.kept is None:
            return encoded_slots(found.every, zone)
        name = (key, found.kept.stamp, found.kept.valid_until, zone.key)
        encoded = self._encoded.get(name)
        if encoded is None or len(encoded) != len(found.every):
            encoded = encoded_slots(found.every, zone)
            self._encoded[name] = encoded
            while len(self._encoded) > self._limit:
                self._encoded.popitem(last=False)
        else:
            self._encoded.move_to_end(name)
        return encoded
