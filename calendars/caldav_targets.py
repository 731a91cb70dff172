"""The experts' own CalDAV calendars that take their bookings (`write_bookings`), as the
booking domain's writer reads and marks them: which they are, a lock on one, and the record
of a failed write on it (kept apart from read errors of the calendar's sync by a prefix)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from calendars.credentials import PasswordCipher
from calendars.tables import ExternalCalendar

ERROR_PREFIX = "Writing bookings: "
_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class CaldavTarget:
    calendar_id: int
    expert_id: int
    url: str
    auth: tuple[str, str] | None
    """Username and password (opened), or None for a calendar without a username."""


async def writable_calendars(cipher: PasswordCipher) -> AsyncIterator[CaldavTarget]:
    """Every CalDAV calendar with `write_bookings`, in id order, read in one query; each
    password is opened only when its calendar's turn comes (so one that no longer opens stops
    the caller there, after the calendars before it)."""
    rows = await ExternalCalendar.select(
        ExternalCalendar.id,
        ExternalCalendar.expert,
        ExternalCalendar.url,
        ExternalCalendar.username,
        ExternalCalendar.password,
    ).where((ExternalCalendar.kind == "caldav") & (ExternalCalendar.write_bookings.eq(True)))
    for row in sorted(rows, key=lambda row: row["id"]):
        yield CaldavTarget(
            calendar_id=row["id"],
            expert_id=row["expert"],
            url=row["url"],
            auth=(row["username"], cipher.open(row["password"])) if row["username"] else None,
        )


async def lock_calendar(calendar_id: int) -> bool:
    """Lock the calendar's row (FOR UPDATE on PostgreSQL; SQLite's write transaction already
    serialises) until the end of the caller's transaction; whether the calendar still exists.
    Call it inside that transaction."""
    lock = ExternalCalendar.select(ExternalCalendar.id).where(ExternalCalendar.id == calendar_id)
    if ExternalCalendar._meta.db.engine_type == "postgres":
        lock = lock.lock_rows("UPDATE")
    return bool(await lock)


async def record_write_failure(calendar_id: int, error: str, now: datetime) -> None:
    await ExternalCalendar.update(
        {
            ExternalCalendar.last_error: f"{ERROR_PREFIX}{error}"[:_ERROR_LENGTH],
            ExternalCalendar.last_error_at: now,
        }
    ).where(ExternalCalendar.id == calendar_id)


async def clear_write_failure(calendar_id: int) -> None:
    """Forget an earlier write error (not a read error of the calendar's sync)."""
    await ExternalCalendar.update(
        {ExternalCalendar.last_error: "", ExternalCalendar.last_error_at: None}
    ).where(
        (ExternalCalendar.id == calendar_id) & ExternalCalendar.last_error.like(f"{ERROR_PREFIX}%")
    )
