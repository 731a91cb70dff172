"""Service points as other domains and pages read them."""

from __future__ import annotations

from calendars.tables import ServicePoint


async def service_point_slug(point_id: int) -> str | None:
    """The slug of a service point, or None when it no longer exists."""
    row = await ServicePoint.select(ServicePoint.slug).where(ServicePoint.id == point_id).first()
    return None if row is None else str(row["slug"])
