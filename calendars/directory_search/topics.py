"""Agencies' named topics: what experts choose for their profile, what the directory filters
by and what the contact form offers (only topics some active expert covers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from calendars.directory_search.analysis import SEARCH_LANGUAGES
from calendars.directory_search.index import refresh_agency_documents, topic_names
from calendars.directory_search.tables import Topic
from calendars.tables import Expert
from luukku.database import write_transaction


@dataclass(frozen=True, slots=True)
class NamedTopic:
    agency_id: int
    slug: str
    names: dict[str, str]
    named: bool = True
    """False for a slug the agency has not named (older data): its slug stands as its name."""

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("fi") or self.slug


def _named(agency_id: int, slug: str, known: dict[tuple[int, str], dict[str, str]]) -> NamedTopic:
    names = known.get((agency_id, slug))
    if names is None:
        return NamedTopic(agency_id, slug, dict.fromkeys(SEARCH_LANGUAGES, slug), named=False)
    return NamedTopic(agency_id=agency_id, slug=slug, names=names)


async def agency_topics(agency_id: int) -> list[NamedTopic]:
    """The topics an agency has named: the list its experts choose from."""
    known = await topic_names([agency_id])
    return sorted(
        (_named(agency_id, slug, known) for (_, slug) in known),
        key=lambda topic: topic.name("fi").casefold(),
    )


async def named_topics(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], NamedTopic]:
    """These (agency id, slug) pairs with their names; an unnamed slug is named by itself."""
    wanted = set(pairs)
    known = await topic_names(agency for agency, _ in wanted)
    return {(agency, slug): _named(agency, slug, known) for agency, slug in wanted}


async def offered_topics() -> list[NamedTopic]:
    """Every topic some active advisor covers, named where the agency named it; a topic
    nobody active covers is not offered."""
    rows = await Expert.select(Expert.agency, Expert.topics).where(
        Expert.active.eq(True) & (Expert.kind == "advisor")
    )
    pairs = {(row["agency"], slug) for row in rows for slug in row["topics"]}
    named = await named_topics(pairs)
    return sorted(named.values(), key=lambda t: (t.agency_id, t.name("fi").casefold()))


async def save_topic(agency_id: int, slug: str, names: dict[str, str]) -> None:
    """Name (or rename) a topic of an agency; its experts' search documents follow."""
    async with write_transaction(Topic._meta.db):
        existing = (
            await Topic.select(Topic.id)
            .where((Topic.agency == agency_id) & (Topic.slug == slug))
            .first()
        )
        if existing is None:
            await Topic.insert(
                Topic(
                    agency=agency_id,
                    slug=slug,
                    name_fi=names["fi"],
                    name_sv=names["sv"],
                    name_en=names["en"],
                )
            )
        else:
            await Topic.update(
                {Topic.name_fi: names["fi"], Topic.name_sv: names["sv"], Topic.name_en: names["en"]}
            ).where(Topic.id == existing["id"])
        await refresh_agency_documents(agency_id)


async def name_missing_topics(agency_id: int, topics: Iterable[tuple[str, dict[str, str]]]) -> int:
    """Inside the caller's transaction (the demo seed): name the topics (slug, names) the
    agency has not named yet; answers how many were added."""
    known = await topic_names([agency_id])
    missing = [(slug, names) for slug, names in topics if (agency_id, slug) not in known]
    if missing:
        await Topic.insert(
            *(
                Topic(
                    agency=agency_id,
                    slug=slug,
                    name_fi=names["fi"],
                    name_sv=names["sv"],
                    name_en=names["en"],
                )
                for slug, names in missing
            )
        )
    return len(missing)
