"""An expert's directory profile: bio in three languages and topics from the agency's list.

`update_profile` is the one use case that changes them, for the expert's own profile page and
`PATCH /api/v1/staff/me/profile` as for the administrators' `PATCH /api/v1/admin/experts/{id}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column

from calendars.directory_search.analysis import SEARCH_LANGUAGES
from calendars.directory_search.index import refresh_expert_documents
from calendars.directory_search.tables import ExpertBio
from calendars.directory_search.topics import NamedTopic, agency_topics
from calendars.tables import Expert
from luukku.database import write_transaction
from luukku.problems import FieldError, InvalidInput, NotFound

BIO_MAX_CHARACTERS = 2000


@dataclass(frozen=True, slots=True)
class Profile:
    expert_id: int
    agency_id: int
    name: str
    bio: dict[str, str]
    topics: tuple[str, ...]
    choices: tuple[NamedTopic, ...]
    """The agency's named topics, the only ones the expert may choose."""


async def get_profile(expert_id: int) -> Profile:
    row = (
        await Expert.select(Expert.id, Expert.agency, Expert.name, Expert.topics)
        .where(Expert.id == expert_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No expert {expert_id}.")
    return Profile(
        expert_id=expert_id,
        agency_id=row["agency"],
        name=row["name"],
        bio=await bio_of(expert_id),
        topics=tuple(row["topics"]),
        choices=tuple(await agency_topics(row["agency"])),
    )


def _clean_bio(bio: dict[str, str]) -> dict[str, str]:
    errors = [
        FieldError(f"bio.{lang}", f"at most {BIO_MAX_CHARACTERS} characters")
        for lang, text in bio.items()
        if len(text.strip()) > BIO_MAX_CHARACTERS
    ]
    errors += [
        FieldError(f"bio.{lang}", "not a language of the directory (fi, sv, en)")
        for lang in bio
        if lang not in SEARCH_LANGUAGES
    ]
    errors += [
        FieldError(f"bio.{lang}", "contains a NUL") for lang, t in bio.items() if "\x00" in t
    ]
    if errors:
        raise InvalidInput("The bio was not accepted.", errors)
    return {lang: text.strip() for lang, text in bio.items()}


async def update_profile(
    expert_id: int,
    *,
    bio: dict[str, str] | None = None,
    topics: Sequence[str] | None = None,
) -> Profile:
    """Change an expert's bio (the languages given) and/or topics (slugs of the agency's named
    topics) in one transaction, the search document with them."""
    cleaned = _clean_bio(bio) if bio is not None else None
    async with write_transaction(Expert._meta.db):
        current = await get_profile(expert_id)
        if topics is not None:
            allowed = {topic.slug for topic in current.choices}
            unknown = sorted(set(topics) - allowed)
            if unknown:
                raise InvalidInput.field(
                    "topics",
                    f"choose from the agency's topics ({', '.join(sorted(allowed)) or 'none'});"
                    f" unknown: {', '.join(unknown)}",
                )
            await Expert.update({Expert.topics: list(dict.fromkeys(topics))}).where(
                Expert.id == expert_id
            )
        if cleaned:
            await _write_bio(expert_id, cleaned)
        await refresh_expert_documents([expert_id])
    return await get_profile(expert_id)


async def _write_bio(expert_id: int, cleaned: dict[str, str]) -> None:
    values: dict[Column | str, Any] = {f"bio_{lang}": text for lang, text in cleaned.items()}
    if not await ExpertBio.exists().where(ExpertBio.expert == expert_id):
        await ExpertBio.insert(ExpertBio(expert=expert_id))
    await ExpertBio.update(values).where(ExpertBio.expert == expert_id)


async def bio_of(expert_id: int) -> dict[str, str]:
    """The expert's bio in fi, sv and en (empty texts where none was written)."""
    bio = await ExpertBio.select().where(ExpertBio.expert == expert_id).first()
    return {lang: (bio or {}).get(f"bio_{lang}", "") for lang in SEARCH_LANGUAGES}


async def profile_changed(expert_id: int, bio: dict[str, str] | None = None) -> None:
    """Inside the caller's transaction (an administrator's change of the expert): write the
    bio languages given, and bring the search document up to date with the expert's row."""
    if bio is not None:
        cleaned = _clean_bio(bio)
        if cleaned:
            await _write_bio(expert_id, cleaned)
    await refresh_expert_documents([expert_id])


async def write_missing_bio(expert_id: int, bio: dict[str, str]) -> bool:
    """Inside the caller's transaction (the demo seed): the bio of an expert who has none;
    answers whether it was written. The search document is left to the caller."""
    if await ExpertBio.exists().where(ExpertBio.expert == expert_id):
        return False
    await ExpertBio.insert(
        ExpertBio(expert=expert_id, bio_fi=bio["fi"], bio_sv=bio["sv"], bio_en=bio["en"])
    )
    return True
