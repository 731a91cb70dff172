"""Agencies as pages and other domains read them: their names in every language."""

from __future__ import annotations

from collections.abc import Iterable

from calendars.tables import Agency


async def agency_names() -> dict[str, dict[str, str]]:
    """Every agency's name in fi, sv and en, by slug: the desk names the agencies taking part."""
    rows = await Agency.select(Agency.slug, Agency.name_fi, Agency.name_sv, Agency.name_en)
    return {r["slug"]: {"fi": r["name_fi"], "sv": r["name_sv"], "en": r["name_en"]} for r in rows}


async def agency_exists(agency_id: int) -> bool:
    return bool(await Agency.exists().where(Agency.id == agency_id))


async def agency_ids_by_slug(slugs: Iterable[str]) -> dict[str, int]:
    """The id of each agency in `slugs` that exists, by slug."""
    rows = await Agency.select(Agency.id, Agency.slug).where(Agency.slug.is_in(list(slugs)))
    return {row["slug"]: row["id"] for row in rows}


async def agency_slugs(ids: Iterable[int]) -> dict[int, str]:
    """The slug of each agency in `ids` that exists, by id."""
    rows = await Agency.select(Agency.id, Agency.slug).where(Agency.id.is_in(sorted(set(ids))))
    return {row["id"]: row["slug"] for row in rows}


async def agencies_named(ids: Iterable[int]) -> list[tuple[str, dict[str, str]]]:
    """The agencies in `ids` that exist, by slug: each slug with its fi, sv and en name."""
    rows = (
        await Agency.select(Agency.slug, Agency.name_fi, Agency.name_sv, Agency.name_en)
        .where(Agency.id.is_in(sorted(set(ids)) or [0]))
        .order_by(Agency.slug)
    )
    return [(r["slug"], {"fi": r["name_fi"], "sv": r["name_sv"], "en": r["name_en"]}) for r in rows]
