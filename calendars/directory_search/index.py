"""Keeps the directory's search documents current: one row per expert, rebuilt from the
expert's name, named topics and bio whenever one of them changes (in that change's
transaction), and made for experts who have none yet before each search."""

from __future__ import annotations

from collections.abc import Iterable

from calendars.directory_search.analysis import SEARCH_LANGUAGES, terms
from calendars.directory_search.tables import ExpertBio, ExpertDocument, Topic
from calendars.tables import Expert
from luukku.database import write_transaction


async def topic_names(agency_ids: Iterable[int]) -> dict[tuple[int, str], dict[str, str]]:
    """Each (agency id, topic slug) of these agencies with its names by language."""
    rows = await Topic.select().where(Topic.agency.is_in(sorted(set(agency_ids)) or [0]))
    return {
        (row["agency"], row["slug"]): {lang: row[f"name_{lang}"] for lang in SEARCH_LANGUAGES}
        for row in rows
    }


def _document(
    expert: dict[str, object],
    names: dict[str, str],
    bio: dict[str, str],
    topics: list[dict[str, str]],
) -> ExpertDocument:
    topic_text = {lang: " ".join(t[lang] for t in topics) for lang in SEARCH_LANGUAGES}
    topic_terms = [term for lang in SEARCH_LANGUAGES for term in terms(topic_text[lang], lang)]
    body_terms = terms(names["names"], None) + [
        term for lang in SEARCH_LANGUAGES for term in terms(bio[lang], lang)
    ]
    return ExpertDocument(
        expert=expert["id"],
        names=names["names"],
        topics_fi=topic_text["fi"],
        topics_sv=topic_text["sv"],
        topics_en=topic_text["en"],
        bio_fi=bio["fi"],
        bio_sv=bio["sv"],
        bio_en=bio["en"],
        topic_terms=" ".join(dict.fromkeys(topic_terms)),
        body_terms=" ".join(dict.fromkeys(body_terms)),
    )


async def refresh_expert_documents(
    expert_ids: Iterable[int], *, missing_only: bool = False
) -> None:
    """Rebuild the search documents of these experts (call inside the change's transaction);
    `missing_only` adds those not there yet and leaves the rest (two searches may race)."""
    ids = sorted(set(expert_ids))
    if not ids:
        return
    experts = await Expert.select(Expert.id, Expert.name, Expert.agency, Expert.topics).where(
        Expert.id.is_in(ids)
    )
    named = await topic_names(row["agency"] for row in experts)
    bios = {
        row["expert"]: {lang: row[f"bio_{lang}"] for lang in SEARCH_LANGUAGES}
        for row in await ExpertBio.select().where(ExpertBio.expert.is_in(ids))
    }
    empty = dict.fromkeys(SEARCH_LANGUAGES, "")
    documents = []
    for row in experts:
        # A topic without names (an older slug) is still found by its slug.
        topics = [
            named.get((row["agency"], slug), dict.fromkeys(SEARCH_LANGUAGES, slug))
            for slug in row["topics"]
        ]
        documents.append(_document(row, {"names": row["name"]}, bios.get(row["id"], empty), topics))
    if missing_only:
        if documents:
            await ExpertDocument.insert(*documents).on_conflict(
                target=ExpertDocument.expert, action="DO NOTHING"
            )
        return
    await ExpertDocument.delete().where(ExpertDocument.expert.is_in(ids))
    if documents:
        await ExpertDocument.insert(*documents)


async def refresh_agency_documents(agency_id: int) -> None:
    """Rebuild the documents of an agency's experts (after its topic names changed)."""
    rows = await Expert.select(Expert.id).where(Expert.agency == agency_id)
    await refresh_expert_documents(row["id"] for row in rows)


async def unindexed_experts() -> list[int]:
    """Experts who have no search document yet (created by paths that do not index)."""
    rows = await Expert.raw(
        "SELECT expert.id FROM expert LEFT JOIN expert_document"
        " ON expert_document.expert = expert.id WHERE expert_document.id IS NULL"
    )
    return [int(row["id"]) for row in rows]


async def index_experts(expert_ids: list[int]) -> None:
    """Make the missing documents of these experts, in a transaction of its own."""
    async with write_transaction(ExpertDocument._meta.db):
        await refresh_expert_documents(expert_ids, missing_only=True)
