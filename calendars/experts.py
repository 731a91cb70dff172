"""Experts as the other domains read them: contact details, topics, the agency they work for
and whether they still do, and who stands in for them right now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from calendars.tables import Absence, Expert


@dataclass(frozen=True, slots=True)
class ExpertContact:
    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class ExpertStanding:
    agency_id: int
    active: bool


async def expert_contacts(expert_ids: Iterable[int]) -> dict[int, ExpertContact]:
    """Name and email of each expert in `expert_ids` that exists."""
    ids = sorted(set(expert_ids)) or [0]
    rows = await Expert.select(Expert.id, Expert.name, Expert.email).where(Expert.id.is_in(ids))
    return {row["id"]: ExpertContact(row["id"], row["name"], row["email"]) for row in rows}


async def expert_topics(expert_id: int) -> set[str]:
    """The topics (slugs) an expert advises on; empty for an unknown expert."""
    row = await Expert.select(Expert.topics).where(Expert.id == expert_id).first()
    return set(row["topics"]) if row else set()


async def expert_standing(expert_id: int) -> ExpertStanding | None:
    """The expert's agency and whether they are active; None for an unknown expert."""
    row = await Expert.select(Expert.agency, Expert.active).where(Expert.id == expert_id).first()
    return None if row is None else ExpertStanding(int(row["agency"]), bool(row["active"]))


async def substitute_at(expert_id: int, now: datetime) -> int | None:
    """Who stands in for `expert_id` at `now`: the substitute of a current absence, if any."""
    row = (
        await Absence.select(Absence.substitute)
        .where(
            (Absence.expert == expert_id)
            & (Absence.starts_at <= now)
            & (Absence.ends_at > now)
            & Absence.substitute.is_not_null()
        )
        .first()
    )
    return None if row is None else int(row["substitute"])
