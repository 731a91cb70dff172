"""The directory search: active experts by words in fi/sv/en, topic, language and channel.

PostgreSQL matches its generated `tsvector` (finnish/swedish/english configurations) with
prefix lexemes; SQLite matches the FTS5 table of Snowball stems. Results come ranked: experts
whose topic matches the words first, then by the engine's relevance, then by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from calendars.directory_search.analysis import (
    SEARCH_LANGUAGES,
    QueryWord,
    fts5_match,
    matches,
    parse_query,
    tsquery,
)
from calendars.directory_search.index import index_missing
from calendars.directory_search.tables import ExpertBio, ExpertDocument
from calendars.directory_search.topics import NamedTopic, named_topics
from calendars.tables import Expert

DEFAULT_LIMIT = 50


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
SELECT e.id, e.name, e.languages, e.channels, e.topics, d.topic_terms,
       -bm25(expert_document_fts, 4.0, 1.0) AS rank
FROM expert_document_fts
CROSS JOIN expert_document AS d ON d.id = expert_document_fts.rowid
CROSS JOIN expert AS e ON e.id = d.expert
WHERE expert_document_fts MATCH {} AND e.active AND e.kind = 'advisor'
"""
# CROSS JOIN keeps SQLite's planner from scanning the experts and asking FTS5 once for each.

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
        rows = await ExpertDocument.raw(_POSTGRES_MATCHES, tsquery(query))
    else:
        rows = await ExpertDocument.raw(_SQLITE_MATCHES, fts5_match(query))
    return [
        {
            **row,
            "languages": _array(row["languages"]),
            "channels": _array(row["channels"]),
            "topics": _array(row["topics"]),
            "tier": 0 if matches(query, row["topic_terms"].split()) else 1,
            "rank": float(row["rank"]),
        }
        for row in rows
    ]


def _fits(row: dict[str, Any], wanted: DirectoryFilter) -> bool:
    return (
        (wanted.topic is None or wanted.topic in row["topics"])
        and (wanted.language is None or wanted.language in row["languages"])
        and (wanted.channel is None or wanted.channel in row["channels"])
    )


async def search_experts(wanted: DirectoryFilter) -> list[DirectoryEntry]:
    """Active advisors matching every word of `q` (all of them without words) and the filters,
    best first, at most `limit`."""
    await index_missing()
    query = parse_query(wanted.q)
    candidates = (
        await _matches(query)
        if query
        else await Expert.select(
            Expert.id, Expert.name, Expert.languages, Expert.channels, Expert.topics
        ).where(Expert.active.eq(True) & (Expert.kind == "advisor"))
    )
    ranked = sorted(
        (row for row in candidates if _fits(row, wanted)),
        key=lambda row: (
            row.get("tier", 0),
            -row.get("rank", 0.0),
            row["name"].casefold(),
            row["id"],
        ),
    )
    return await _entries([row["id"] for row in ranked[: wanted.limit]])


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
