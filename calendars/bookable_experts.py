"""Experts as booking decisions read them (`ExpertProfile`): who may give a service, the
active experts among some ids, of some agencies or of one kind. Each read is one query, the
agency's holiday rule joined in, so the slot search pays no more for asking here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.custom_types import Combinable

from calendars.schedules import ExpertProfile
from calendars.tables import Expert
from luukku.compiled_queries import CompiledQuery
from luukku.problems import NotFound

_COLUMNS = (
    Expert.id,
    Expert.name,
    Expert.email,
    Expert.agency,
    Expert.timezone,
    Expert.languages,
    Expert.channels,
    Expert.topics,
    Expert.agency.observe_holidays.as_alias("observe_holidays"),
)


def _profile(row: dict[str, Any]) -> ExpertProfile:
    return ExpertProfile(
        id=row["id"],
        name=row["name"],
        agency_id=row["agency"],
        timezone=row["timezone"],
        languages=tuple(row["languages"]),
        channels=tuple(row["channels"]),
        topics=tuple(row["topics"]),
        observe_holidays=bool(row["observe_holidays"]),
        email=row["email"],
    )


async def _active_where(condition: Combinable) -> list[ExpertProfile]:
    rows = (
        await Expert.select(*_COLUMNS).where(Expert.active.eq(True) & condition).order_by(Expert.id)
    )
    return [_profile(row) for row in rows]


# Compiled once (luukku/compiled_queries.py): every slot search and booking asks one of these.
_NAMED_ADVISORS = CompiledQuery(
    Expert,
    lambda named: (
        Expert.select(*_COLUMNS)
        .where(Expert.active.eq(True) & (Expert.kind == "advisor") & Expert.id.is_in(named))
        .order_by(Expert.id)
    ),
)
_AGENCY_ADVISORS = CompiledQuery(
    Expert,
    lambda agency_id: (
        Expert.select(*_COLUMNS)
        .where(Expert.active.eq(True) & (Expert.kind == "advisor") & (Expert.agency == agency_id))
        .order_by(Expert.id)
    ),
)


async def active_advisors(named: Sequence[int], agency_id: int) -> list[ExpertProfile]:
    """The active advisors among `named` or, when none are named, of the agency, in id order:
    the experts who may give a service (its explicit list, else its agency's)."""
    rows = await (_NAMED_ADVISORS(list(named)) if named else _AGENCY_ADVISORS(agency_id))
    return [_profile(row) for row in rows]


async def active_experts(ids: Iterable[int]) -> list[ExpertProfile]:
    """The active experts (advisors and interpreters) among `ids`, in id order."""
    return await _active_where(Expert.id.is_in(sorted(set(ids)) or [0]))


async def active_of_kind(kind: str) -> list[ExpertProfile]:
    """Every active expert of `kind` (`advisor` or `interpreter`), in id order."""
    return await _active_where(Expert.kind == kind)


async def active_advisors_of(
    agency_ids: Iterable[int], also: Iterable[int] | None = None
) -> list[ExpertProfile]:
    """The agencies' active advisors, and when `also` is given the active experts among it
    (whatever their agency or kind), in id order."""
    condition: Combinable = Expert.agency.is_in(sorted(set(agency_ids))) & (
        Expert.kind == "advisor"
    )
    if also is not None:
        condition = condition | Expert.id.is_in(sorted(set(also)) or [0])
    return await _active_where(condition)


async def expert_profile(expert_id: int) -> ExpertProfile:
    """The expert, active or not; NotFound for an unknown one."""
    row = await Expert.select(*_COLUMNS).where(Expert.id == expert_id).first()
    if row is None:
        raise NotFound(f"No expert {expert_id}.")
    return _profile(row)


async def all_of_agency(expert_ids: Iterable[int], agency_id: int) -> bool:
    """Whether every one of `expert_ids` is an expert of the agency (active or not). Called
    inside the caller's transaction when the answer decides a write."""
    ids = set(expert_ids)
    found = await Expert.count().where(Expert.id.is_in(list(ids)) & (Expert.agency == agency_id))
    return bool(found == len(ids))
