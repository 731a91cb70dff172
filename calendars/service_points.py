"""Service points as other domains and pages read them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import time

from calendars.tables import Room, ServicePoint, ServicePointHours
from luukku.problems import FieldError, NotFound


@dataclass(frozen=True, slots=True)
class PointRoom:
    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class VideoPoint:
    """An active service point with its video rooms and weekly opening hours (local
    wall-clock, each weekday's sorted by opening time)."""

    id: int
    slug: str
    name: str
    timezone: str
    rooms: tuple[PointRoom, ...]
    weekly: dict[int, tuple[tuple[time, time], ...]]


async def service_point_slug(point_id: int) -> str | None:
    """The slug of a service point, or None when it no longer exists."""
    row = await ServicePoint.select(ServicePoint.slug).where(ServicePoint.id == point_id).first()
    return None if row is None else str(row["slug"])


async def video_point(slug: str, room: str | None = None) -> VideoPoint:
    """The active service point with its active video rooms (only `room` when named) and
    opening hours; three queries. NotFound naming `service_point` or `room` otherwise."""
    point = (
        await ServicePoint.select()
        .where((ServicePoint.slug == slug) & ServicePoint.active.eq(True))
        .first()
    )
    if point is None:
        raise NotFound(
            f"No service point {slug!r}.", [FieldError("service_point", "unknown service point")]
        )
    rooms_query = Room.select(Room.id, Room.slug, Room.name).where(
        (Room.service_point == point["id"]) & Room.has_video.eq(True) & Room.active.eq(True)
    )
    rooms = [PointRoom(r["id"], r["slug"], r["name"]) for r in await rooms_query.order_by(Room.id)]
    if room is not None:
        rooms = [r for r in rooms if r.slug == room]
        if not rooms:
            raise NotFound(
                f"No video room {room!r} at this service point.",
                [FieldError("room", "unknown room")],
            )
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in await ServicePointHours.select().where(
        ServicePointHours.service_point == point["id"]
    ):
        weekly[row["weekday"]].append((row["start_time"], row["end_time"]))
    return VideoPoint(
        id=point["id"],
        slug=point["slug"],
        name=point["name_fi"],
        timezone=point["timezone"],
        rooms=tuple(rooms),
        weekly={day: tuple(sorted(hours, key=lambda h: h[0])) for day, hours in weekly.items()},
    )
