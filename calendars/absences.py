"""Absences as other domains read them: one absence, the absences of some experts in a range,
and who stands in during them. UTC instants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from calendars.tables import Absence
from luukku.compiled_queries import CompiledQuery
from luukku.instants import clamped


@dataclass(frozen=True, slots=True)
class AbsenceCover:
    """An absence as stored: whose, who stands in (if anyone named) and when."""

    absence_id: int
    expert_id: int
    substitute_id: int | None
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class AwaySpan:
    """An expert away (or a substitute standing in) from `start` to `end`, clamped."""

    expert_id: int
    start: datetime
    end: datetime


async def absence_by_id(absence_id: int) -> AbsenceCover | None:
    """The absence, or None when there is no such absence."""
    row = await Absence.select().where(Absence.id == absence_id).first()
    if row is None:
        return None
    return AbsenceCover(
        row["id"], row["expert"], row["substitute"], row["starts_at"], row["ends_at"]
    )


async def absences_between(
    expert_ids: Iterable[int], start: datetime, end: datetime
) -> list[AwaySpan]:
    """The absences of these experts overlapping [start, end); one query."""
    rows = await Absence.select(Absence.expert, Absence.starts_at, Absence.ends_at).where(
        Absence.expert.is_in(list(expert_ids))
        & (Absence.starts_at < end)
        & (Absence.ends_at > start)
    )
    return [AwaySpan(r["expert"], clamped(r["starts_at"]), clamped(r["ends_at"])) for r in rows]


# Compiled once (luukku/compiled_queries.py): every slot search and booking asks.
_STANDING_IN = CompiledQuery(
    Absence,
    lambda ids, start, end: Absence.select(
        Absence.substitute, Absence.starts_at, Absence.ends_at
    ).where(
        Absence.expert.is_in(ids)
        & Absence.substitute.is_not_null()
        & (Absence.starts_at < end)
        & (Absence.ends_at > start)
    ),
)


async def substitutions_between(
    expert_ids: Iterable[int], start: datetime, end: datetime
) -> list[AwaySpan]:
    """Who stands in for these experts, and when: each absence overlapping [start, end) that
    names a substitute, as a span of the substitute (`expert_id` is the substitute's); one
    query."""
    ids = sorted(set(expert_ids))
    if not ids:
        return []
    rows = await _STANDING_IN(ids, start, end)
    return [AwaySpan(r["substitute"], clamped(r["starts_at"]), clamped(r["ends_at"])) for r in rows]
