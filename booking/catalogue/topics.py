"""The topics staff choose from when describing an expert or a service.

One function, `topic_choices`, is what the pages read. Until agencies keep named topics of
their own (fi/sv/en), the choices are the topics already in use by the agency's experts and
services; a choice without `names` is shown under its page label (labels.topic)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from booking.tables import Service
from calendars.experts import topics_of_agencies


@dataclass(frozen=True, slots=True)
class TopicChoice:
    slug: str
    names: dict[str, str] | None = None
    """The topic's name in fi, sv and en, when the agency has named it."""


async def topic_choices(agency_ids: Sequence[int]) -> list[TopicChoice]:
    """The topics an admin of these agencies can choose from, by slug."""
    ids = list(agency_ids) or [0]
    slugs = await topics_of_agencies(ids)
    for row in await Service.select(Service.topics).where(Service.agency.is_in(ids)):
        slugs.update(row["topics"])
    return [TopicChoice(slug) for slug in sorted(slugs)]
