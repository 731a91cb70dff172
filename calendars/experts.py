"""Experts as the other domains read them: contact details, topics, the agency they work for
and whether they still do, and who stands in for them right now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from calendars.tables import Absence, Expert
from luukku.compiled_queries import CompiledQuery


@dataclass(frozen=True, slots=True)
class ExpertContact:
    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class ExpertCard:
    """What a message about the expert's booking says of them."""

    name: str
    email: str
    location: str
    timezone: str
    agency_id: int


@dataclass(frozen=True, slots=True)
class FeedExpert:
    """An expert as a calendar feed shows them; `feed_shows_customer` says how much of the
    customer their bookings show (`none`, `first_name`, `full`)."""

    id: int
    name: str
    location: str
    feed_shows_customer: str
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


# Compiled once (luukku/compiled_queries.py): every booking change reads a card.
_CARD = CompiledQuery(
    Expert,
    lambda expert_id: (
        Expert.select(Expert.name, Expert.email, Expert.location, Expert.timezone, Expert.agency)
        .where(Expert.id == expert_id)
        .limit(1)
    ),
)


async def expert_card(expert_id: int) -> ExpertCard | None:
    """Name, email, location, time zone and agency of the expert; None for an unknown one."""
    rows = await _CARD(expert_id)
    if not rows:
        return None
    row = rows[0]
    return ExpertCard(row["name"], row["email"], row["location"], row["timezone"], row["agency"])


async def feed_experts(agency_id: int) -> list[FeedExpert]:
    """Every expert of the agency (active or not) as its calendar feed shows them."""
    rows = await Expert.select(
        Expert.id, Expert.name, Expert.location, Expert.feed_shows_customer, Expert.email
    ).where(Expert.agency == agency_id)
    return [
        FeedExpert(r["id"], r["name"], r["location"], r["feed_shows_customer"], r["email"])
        for r in rows
    ]


async def expert_exists(expert_id: int) -> bool:
    return bool(await Expert.exists().where(Expert.id == expert_id))


async def expert_topics(expert_id: int) -> set[str]:
    """The topics (slugs) an expert advises on; empty for an unknown expert."""
    row = await Expert.select(Expert.topics).where(Expert.id == expert_id).first()
    return set(row["topics"]) if row else set()


async def topics_of_agencies(agency_ids: Sequence[int]) -> set[str]:
    """The topic slugs the experts of these agencies are described with."""
    rows = await Expert.select(Expert.topics).where(Expert.agency.is_in(list(agency_ids) or [0]))
    return {topic for row in rows for topic in row["topics"]}


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
