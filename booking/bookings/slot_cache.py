"""The availability cache: a slot search's computed free times, kept while the availability
versions they were computed at stand.

Every change to what decides free time raises a version in the same transaction
(`availability_version`, raised by triggers: see booking/tables.py), so one cheap statement
tells whether a kept result still holds, in any process. Kept results ignore minimum notice
and horizon (booking/engine/availability.py `without_window`); `in_window` narrows them to the
time of each request, so time moving on never needs an invalidation.

Per process by default (`LocalSlotCache`, least recently used entries dropped); with
`REDIS_URL`, shared by every process (`RedisSlotCache`). Either way the versions are read from
the database on every request, so a cache never answers for a state older than the last commit.
A hold's time frees when the hold expires, with no write: a result that counted a live hold is
kept only until that hold's expiry (`valid_until`).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec
from piccolo.querystring import QueryString

from booking.bookings.version_reads import SharedVersionReads
from booking.engine.availability import Slot, SlotRules
from booking.tables import AvailabilityVersion
from luukku.database import in_transaction
from luukku.metrics import Reading

SearchKey = tuple[str, datetime, datetime, str | None, str | None, int | None]
"""(service slug, UTC start, UTC end, channel, language, expert id) of a search."""
CATALOGUE_SCOPE = "catalogue"
LOCAL_ENTRIES = 4096
REDIS_TTL_SECONDS = 3600
"""Entries expire from Redis after an hour unused: a search range slides with the days."""


@dataclass(frozen=True, slots=True)
class CachedSearch:
    scopes: tuple[str, ...]
    """The versions the result depends on: the catalogue and each expert considered."""
    stamp: tuple[int, ...]
    """Their values when the result was computed, in the order of `scopes`."""
    rules: SlotRules
    slots: tuple[Slot, ...]
    """Every free start of the range, notice and horizon not applied."""
    valid_until: datetime | None = None
    """When the first hold counted as taken expires: its time frees without a write (so
    without a version raised), and the kept result stops answering then."""


async def read_versions(scopes: tuple[str, ...]) -> tuple[int, ...]:
    """The current version of each scope (0 for one never raised): one statement."""
    engine = AvailabilityVersion._meta.db
    if engine.engine_type == "postgres":
        query = QueryString(
            "SELECT scope, version FROM availability_version WHERE scope = ANY({})", list(scopes)
        )
    else:
        query = QueryString(
            "SELECT scope, version FROM availability_version "
            "WHERE scope IN (SELECT value FROM json_each({}))",
            json.dumps(scopes),
        )
    rows = await engine.run_querystring(query)
    found = {row["scope"]: int(row["version"]) for row in rows or ()}
    return tuple(found.get(scope, 0) for scope in scopes)


class SlotCache(ABC):
    """Where kept results live; counts how often a kept result answered (for /metrics)."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0
        self._shared_reads = SharedVersionReads(read_versions)

    async def current_versions(self, scopes: tuple[str, ...]) -> tuple[int, ...]:
        """read_versions, one statement shared by concurrent checks of the same scopes; inside
        a transaction, read in it (its snapshot, its own uncommitted raises), never shared."""
        if in_transaction(AvailabilityVersion._meta.db):
            return await read_versions(scopes)
        return await self._shared_reads(scopes)

    @property
    def hit_ratio(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0

    @abstractmethod
    async def get(self, key: SearchKey) -> CachedSearch | None: ...

    @abstractmethod
    async def put(self, key: SearchKey, entry: CachedSearch) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...


class LocalSlotCache(SlotCache):
    """Results kept in this process, the least recently used dropped beyond `entries`."""

    def __init__(self, entries: int = LOCAL_ENTRIES) -> None:
        super().__init__()
        self._entries: OrderedDict[SearchKey, CachedSearch] = OrderedDict()
        self._limit = entries

    async def get(self, key: SearchKey) -> CachedSearch | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    async def put(self, key: SearchKey, entry: CachedSearch) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    async def close(self) -> None:
        self._entries.clear()


class RedisSlotCache(SlotCache):
    """Results shared by every process through Redis (MessagePack), an hour unused at most."""

    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        super().__init__()
        self._redis = Redis.from_url(url)
        self._namespace = namespace
        self._decoder = msgspec.msgpack.Decoder(CachedSearch)

    def _name(self, key: SearchKey) -> str:
        slug, start, end, channel, language, expert = key
        return (
            f"luukku:slots:{self._namespace}:{slug}:{start.isoformat()}:{end.isoformat()}:"
            f"{channel or ''}:{language or ''}:{expert or ''}"
        )

    async def get(self, key: SearchKey) -> CachedSearch | None:
        data = await self._redis.get(self._name(key))
        if data is None:
            return None
        return self._decoder.decode(data if isinstance(data, bytes) else data.encode())

    async def put(self, key: SearchKey, entry: CachedSearch) -> None:
        await self._redis.set(self._name(key), msgspec.msgpack.encode(entry), ex=REDIS_TTL_SECONDS)

    async def close(self) -> None:
        await self._redis.aclose()


def slot_cache_for(redis_url: str, database_url: str) -> SlotCache:
    """Redis when `redis_url` is set, namespaced by database (versions of two databases may be
    equal); else this process's own."""
    if not redis_url:
        return LocalSlotCache()
    return RedisSlotCache(redis_url, hashlib.sha256(database_url.encode()).hexdigest()[:16])


def cache_reader(cache: SlotCache) -> Callable[[datetime], Awaitable[Sequence[Reading]]]:
    """This process's cache figures for /metrics."""

    async def read(now: datetime) -> Sequence[Reading]:
        return [
            Reading(
                "slot_cache_hit_ratio",
                "Share of slot searches answered from a kept result (this process).",
                cache.hit_ratio,
            ),
            Reading("slot_cache_hits", "Slot searches answered from a kept result.", cache.hits),
            Reading("slot_cache_misses", "Slot searches computed afresh.", cache.misses),
        ]

    return read
