"""Who is who by id: experts' names and service points' slugs, for pages and messages."""

from __future__ import annotations

from collections.abc import Iterable

from calendars.tables import Expert, ServicePoint


async def expert_names(expert_ids: Iterable[int]) -> dict[int, str]:
    """The name of each expert in `expert_ids` that exists."""
    ids = sorted(set(expert_ids)) or [0]
    rows = await Expert.select(Expert.id, Expert.name).where(Expert.id.is_in(ids))
    return {row["id"]: row["name"] for row in rows}


async def service_point_slug(point_id: int) -> str | None:
    """The slug of a service point, or None when it no longer exists."""
    row = await ServicePoint.select(ServicePoint.slug).where(ServicePoint.id == point_id).first()
    return None if row is None else str(row["slug"])
