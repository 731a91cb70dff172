"""Agencies as pages and other domains read them: their names in every language."""

from __future__ import annotations

from calendars.tables import Agency


async def agency_names() -> dict[str, dict[str, str]]:
    """Every agency's name in fi, sv and en, by slug: the desk names the agencies taking part."""
    rows = await Agency.select(Agency.slug, Agency.name_fi, Agency.name_sv, Agency.name_en)
    return {r["slug"]: {"fi": r["name_fi"], "sv": r["name_sv"], "en": r["name_en"]} for r in rows}
