"""The locks of a booking write, taken in one global order, and the transaction they live in.

Every change to a booking or a joint session runs in `booking_transaction()` and locks, in this
order and never the other way round:

1. the booking or joint-session rows it changes (`lock_booking`, `lock_bookings`,
   booking/joint/sessions.py's `lock_joint_session`), ordered by id, each re-read under its
   lock, so no decision rests on a row read before another writer changed it;
2. the resources whose time it reads or reserves (`lock_resources`: `expert:<id>`,
   `room:<id>`), in sorted order;
3. anything else it updates (e.g. the contact request a booking answers, `locked(...)`).

Two writers therefore never wait on each other in a cycle. On PostgreSQL the rows are locked
with `SELECT … FOR UPDATE` and the resources with transaction-scoped advisory locks; SQLite's
IMMEDIATE transaction admits one writer at a time, so the same calls there only re-read. The
order is checked on both engines: taking a booking lock after a resource lock, or a resource
that sorts before one already held, raises `LockOrderError` (a programming error).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from asyncpg.exceptions import DeadlockDetectedError, ExclusionViolationError
from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.methods.objects import Objects
from piccolo.query.methods.select import Select

from booking.tables import Booking, Reservation
from luukku.database import write_transaction
from luukku.problems import SlotTaken

logger = logging.getLogger(__name__)

LockableQuery = TypeVar("LockableQuery", Select, Objects)  # type: ignore[type-arg]


class LockOrderError(RuntimeError):
    """A writer asked for a lock out of the global order (see the module docstring)."""


@dataclass(slots=True)
class _Held:
    resources: list[str] = field(default_factory=list)


_held: ContextVar[_Held | None] = ContextVar("booking_locks_held", default=None)


@asynccontextmanager
async def booking_transaction() -> AsyncIterator[None]:
    """One transaction for a booking write; a lost race surfaces as SlotTaken (409)."""
    marker = _held.set(_Held())
    try:
        async with write_transaction(Reservation._meta.db):
            yield
    except ExclusionViolationError as exc:
        raise SlotTaken("The time was booked by someone else a moment ago.") from exc
    except DeadlockDetectedError as exc:
        # The lock order makes this impossible; should it ever happen, say so in the log.
        logger.warning("deadlock between booking writers: %s", exc)
        raise SlotTaken("The time was booked by someone else a moment ago.") from exc
    finally:
        _held.reset(marker)


def _on_postgres() -> bool:
    return isinstance(Reservation._meta.db, PostgresEngine)


def locked(query: LockableQuery) -> LockableQuery:
    """`query` as `SELECT … FOR UPDATE` on PostgreSQL; unchanged on SQLite, whose IMMEDIATE
    transaction already holds the whole database for the writer."""
    return query.lock_rows() if _on_postgres() else query  # type: ignore[return-value]


def check_rows_first(what: str) -> None:
    """Raise LockOrderError when a row lock comes after a resource lock (step 1 after 2)."""
    held = _held.get()
    if held is not None and held.resources:
        raise LockOrderError(f"lock {what} before any resource (held: {held.resources})")


async def lock_bookings(where: Combinable) -> list[dict[str, Any]]:
    """Inside booking_transaction(), first: the bookings matching `where`, locked in id order
    and read as they are now (a row another writer changed meanwhile is judged by its new
    values)."""
    check_rows_first("bookings")
    return await locked(Booking.select().where(where).order_by(Booking.id))


async def lock_booking(reference: str) -> dict[str, Any] | None:
    """Inside booking_transaction(), first: one booking by its stored reference, locked and
    re-read; None when there is no such booking."""
    rows = await lock_bookings(Booking.reference == reference)
    return rows[0] if rows else None


async def lock_resources(resources: Iterable[str]) -> None:
    """Inside booking_transaction(), after the rows: queue behind other writers of the same
    resources, in sorted order; a resource already held is not locked again.

    On PostgreSQL a transaction-scoped advisory lock per resource; the overlap check that
    follows then sees the winner's row. SQLite's IMMEDIATE transaction already admits one
    writer at a time. Outside booking_transaction() (e.g. a feed-token rotation) the order is
    not tracked.
    """
    held = _held.get()
    wanted = sorted(set(resources) - set(held.resources if held else ()))
    if not wanted:
        return
    if held is not None:
        if held.resources and wanted[0] < held.resources[-1]:
            raise LockOrderError(
                f"resources {wanted} sort before {held.resources[-1]}, already held; "
                "lock every resource of a write in one call"
            )
        held.resources.extend(wanted)
    if not _on_postgres():
        return
    for resource in wanted:
        await Reservation.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", resource)
