"""Substitutes standing in: while an expert is away, the substitute named for the absence takes
the bookings that would have gone to them.

A substitute who gives the service anyway is simply another candidate. One who does not takes
its bookings only inside the absences they cover (`ExpertProfile.stands_in`), in their own
working hours and only when free; the slot search and booking both see them through
`with_substitutes`, so a slot offered is a slot bookable.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from booking.catalogue.services import active_experts, fits
from calendars.schedules import ExpertProfile
from calendars.tables import Absence
from luukku.instants import clamped


async def with_substitutes(
    experts: Sequence[ExpertProfile],
    start: datetime,
    end: datetime,
    channel: str | None = None,
    language: str | None = None,
) -> list[ExpertProfile]:
    """`experts` plus the substitutes covering their absences that overlap [start, end): one
    query, two when someone stands in. A substitute must work in `channel` and speak
    `language` like any candidate."""
    if not experts:
        return []
    ids = {expert.id for expert in experts}
    covered = await Absence.select(Absence.substitute, Absence.starts_at, Absence.ends_at).where(
        Absence.expert.is_in(sorted(ids))
        & Absence.substitute.is_not_null()
        & (Absence.starts_at < end)
        & (Absence.ends_at > start)
    )
    cover: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in covered:
        if row["substitute"] not in ids:
            cover[row["substitute"]].append((clamped(row["starts_at"]), clamped(row["ends_at"])))
    if not cover:
        return list(experts)
    standing_in = [
        dataclasses.replace(substitute, stands_in=tuple(sorted(cover[substitute.id])))
        for substitute in await active_experts(cover)
        if fits(substitute, channel, language)
    ]
    return [*experts, *standing_in]
