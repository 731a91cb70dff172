"""A booking's history: each change written in the change's own transaction, read oldest
first for the customer's manage page and `GET /api/v1/bookings/{reference}`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from booking.history.tables import BookingEvent
from luukku.compiled_queries import CompiledQuery


class Event(StrEnum):
    CREATED = "created"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    EXPERT_CHANGED = "expert_changed"
    OUTCOME_RECORDED = "outcome_recorded"


class Actor(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    event: str
    by: str


async def record_event(booking_id: int, event: Event, by: Actor, at: datetime) -> None:
    """Inside the change's write transaction: the change, as the customer will see it."""
    await _ADD_EVENT(booking_id, at, event.value, by.value)


# Compiled once (luukku/compiled_queries.py): every booking change records one.
_ADD_EVENT = CompiledQuery(
    BookingEvent,
    lambda booking_id, at, event, by: BookingEvent.insert(
        BookingEvent(booking=booking_id, at=at, event=event, by=by)
    ),
)


async def history_of(booking_id: int) -> tuple[HistoryEntry, ...]:
    rows = (
        await BookingEvent.select(BookingEvent.at, BookingEvent.event, BookingEvent.by)
        .where(BookingEvent.booking == booking_id)
        .order_by(BookingEvent.at)
        .order_by(BookingEvent.id)
    )
    return tuple(HistoryEntry(at=row["at"], event=row["event"], by=row["by"]) for row in rows)
