"""The directory search: active experts by words in fi/sv/en, topic, language and channel.

PostgreSQL matches its generated `tsvector` (finnish/swedish/english configurations) with
prefix lexemes; SQLite matches the FTS5 table of Snowball stems. Results come ranked: experts
whose topic matches the words first, then by the engine's relevance, then by name.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from calendars.directory_search.analysis import (
    SEARCH_LANGUAGES,
    QueryWord,
    fts5_match,
    matches,
    parse_query,
    tsquery,
)
from calendars.directory_search.index import index_experts, unindexed_experts
from calendars.directory_search.tables import ExpertBio, ExpertDocument
from calendars.directory_search.topics import NamedTopic, named_topics
from calendars.tables import Expert
from luukku.database import read_snapshot

DEFAULT_LIMIT = 50
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DirectoryFilter:
    q: str = ""
    topic: str | None = None
    language: str | None = None
    channel: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    id: int
    name: str
    title: str
    agency_id: int
    agency_slug: str
    agency_names: dict[str, str]
    topics: tuple[NamedTopic, ...]
    languages: tuple[str, ...]
    channels: tuple[str, ...]
    bio: dict[str, str]


# Both answer each active advisor matching every word, with what ranking and filters need.
_SQLITE_MATCHES = """
SELECT e.id, e.name, e.languages, e.channels, e.topics,
       -bm25(expert_document_fts, 4.0, 1.0) AS rank,
       d.id IN (SELECT rowid FROM expert_document_fts WHERE expert_document_fts MATCH {})
         AS topical
FROM expert_document_fts
CROSS JOIN expert_document AS d ON d.id = expert_document_fts.rowid
CROSS JOIN expert AS e ON e.id = d.expert
WHERE expert_document_fts MATCH {} AND e.active AND e.kind = 'advisor'
"""
# CROSS JOIN keeps SQLite's planner from scanning the experts and asking FTS5 once for each.
# `topical`: the same words matched in the topic column alone (FTS5's column filter), so the
# tier is decided in C rather than row by row here.

_POSTGRES_MATCHES = """
SELECT e.id, e.name, e.languages, e.channels, e.topics, d.topic_terms,
       ts_rank(d.document, query) AS rank
FROM to_tsquery('simple', {}) AS query, expert_document AS d
JOIN expert AS e ON e.id = d.expert
WHERE d.document @@ query AND e.active AND e.kind = 'advisor'
"""


def _array(value: Any) -> list[str]:
    """An array column as a raw query answers it: a list on PostgreSQL, JSON on SQLite."""
    return list(value) if isinstance(value, list) else list(json.loads(value or "[]"))


async def _matches(query: list[QueryWord]) -> list[dict[str, Any]]:
    """Every active advisor matching all query words, with `tier` (0: a topic matches) and
    the engine's `rank`."""
    if ExpertDocument._meta.db.engine_type == "postgres":
        rows: list[dict[str, Any]] = await ExpertDocument.raw(_POSTGRES_MATCHES, tsquery(query))
        for row in rows:
            row["tier"] = 0 if matches(query, row.pop("topic_terms").split()) else 1
    else:
        match = fts5_match(query)
        rows = await ExpertDocument.raw(_SQLITE_MATCHES, f"{{topic_terms}} : ({match})", match)
        for row in rows:
            row["tier"] = 0 if row.pop("topical") else 1
    for row in rows:
        row["rank"] = float(row["rank"])
    return rows


def _fits(row: dict[str, Any], wanted: DirectoryFilter) -> bool:
    # Arrays read only when a filter asks (most searches have none).
    return (
        (wanted.topic is None or wanted.topic in _array(row["topics"]))
        and (wanted.language is None or wanted.language in _array(row["languages"]))
        and (wanted.channel is None or wanted.channel in _array(row["channels"]))
    )


async def search_experts(wanted: DirectoryFilter) -> list[DirectoryEntry]:
    """Active advisors matching every word of `q` (all of them without words) and the filters,
    best first, at most `limit`. Experts without a search document get one first."""
    found, _ = await search_experts_and(wanted, _nothing)
    return found


async def _nothing() -> None:
    return None


async def search_experts_and(
    wanted: DirectoryFilter, also: Callable[[], Awaitable[T]]
) -> tuple[list[DirectoryEntry], T]:
    """search_experts(), and `also()` read in the same read transaction: one snapshot, and on
    SQLite one connection for every statement (a connection each costs about a millisecond)."""
    query = parse_query(wanted.q)
    async with read_snapshot(ExpertDocument._meta.db):
        missing = await unindexed_experts()
        if not missing:
            return await _found(query, wanted), await also()
    await index_experts(missing)  # a write: outside the read transaction
    async with read_snapshot(ExpertDocument._meta.db):
        return await _found(query, wanted), await also()


async def _found(query: list[QueryWord], wanted: DirectoryFilter) -> list[DirectoryEntry]:
    candidates = (
        await _matches(query)
        if query
        else await Expert.select(
            Expert.id, Expert.name, Expert.languages, Expert.channels, Expert.topics
        ).where(Expert.active.eq(True) & (Expert.kind == "advisor"))
    )
    return await _entries(_best(candidates, wanted))


def _best(candidates: list[dict[str, Any]], wanted: DirectoryFilter) -> list[int]:
    """The ids of the `limit` best candidates that fit the filters."""
    ranked = sorted(
        (row for row in candidates if _fits(row, wanted)),
        key=lambda row: (
            row.get("tier", 0),
            -row.get("rank", 0.0),
            row["name"].casefold(),
            row["id"],
        ),
    )
    return [row["id"] for row in ranked[: wanted.limit]]


async def _entries(ids: list[int]) -> list[DirectoryEntry]:
    if not ids:
        return []
    rows = await Expert.select(
        *Expert.all_columns(exclude=[Expert.email, Expert.feed_shows_customer]),
        Expert.agency.slug.as_alias("agency_slug"),
        *(
            getattr(Expert.agency, f"name_{lang}").as_alias(f"agency_{lang}")
            for lang in SEARCH_LANGUAGES
        ),
    ).where(Expert.id.is_in(ids))
    bios = {
        row["expert"]: {lang: row[f"bio_{lang}"] for lang in SEARCH_LANGUAGES}
        for row in await ExpertBio.select().where(ExpertBio.expert.is_in(ids))
    }
    named = await named_topics((row["agency"], slug) for row in rows for slug in row["topics"])
    by_id = {
        row["id"]: DirectoryEntry(
            id=row["id"],
            name=row["name"],
            title=row["title"],
            agency_id=row["agency"],
            agency_slug=row["agency_slug"],
            agency_names={lang: row[f"agency_{lang}"] for lang in SEARCH_LANGUAGES},
            topics=tuple(named[(row["agency"], slug)] for slug in row["topics"]),
            languages=tuple(row["languages"]),
            channels=tuple(row["channels"]),
            bio=bios.get(row["id"], dict.fromkeys(SEARCH_LANGUAGES, "")),
        )
        for row in rows
    }
    return [by_id[i] for i in ids]
