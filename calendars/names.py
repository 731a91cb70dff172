"""Who is who by id: experts' names and service points' slugs, for pages and messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from calendars.tables import Agency, Expert, ServicePoint


async def expert_names(expert_ids: Iterable[int]) -> dict[int, str]:
    """The name of each expert in `expert_ids` that exists."""
    ids = sorted(set(expert_ids)) or [0]
    rows = await Expert.select(Expert.id, Expert.name).where(Expert.id.is_in(ids))
    return {row["id"]: row["name"] for row in rows}


async def service_point_slug(point_id: int) -> str | None:
    """The slug of a service point, or None when it no longer exists."""
    row = await ServicePoint.select(ServicePoint.slug).where(ServicePoint.id == point_id).first()
    return None if row is None else str(row["slug"])


async def agency_names() -> dict[str, dict[str, str]]:
    """Every agency's name in fi, sv and en, by slug: the desk names the agencies taking part."""
    rows = await Agency.select(Agency.slug, Agency.name_fi, Agency.name_sv, Agency.name_en)
    return {r["slug"]: {"fi": r["name_fi"], "sv": r["name_sv"], "en": r["name_en"]} for r in rows}


async def expert_topics(agency_ids: Sequence[int]) -> set[str]:
    """The topic slugs the experts of these agencies are described with."""
    rows = await Expert.select(Expert.topics).where(Expert.agency.is_in(list(agency_ids) or [0]))
    return {topic for row in rows for topic in row["topics"]}
