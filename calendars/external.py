"""Experts' own calendars (an ICS address or a CalDAV calendar): registering them, reading
their busy times and storing those as ExternalBusy rows that block bookings.

Syncing is separate from searching: the periodic job (`sync_due_calendars`) and an on-demand
`sync_calendar` fetch and store; the slot search only reads the stored rows, so a slow or
broken remote calendar never delays it. A failed sync keeps the last good rows and records the
error on the calendar.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from calendars.busy_times import (
    EDGE,
    WINDOW_AHEAD,
    CalendarUnreadable,
    Interval,
    busy_intervals,
    caldav_busy,
    ical_utc,
)
from calendars.credentials import PasswordCipher
from calendars.fetching import Fetcher, FetchError
from calendars.tables import Expert, ExternalBusy, ExternalCalendar
from luukku.database import write_transaction
from luukku.instants import clamped
from luukku.problems import Conflict, FieldError, InvalidInput, NotFound

logger = logging.getLogger(__name__)

KINDS = ("ics", "caldav")
SYNC_EVERY = timedelta(minutes=10)
WINDOW_BEFORE = timedelta(days=7)
MAX_CALENDARS_PER_EXPERT = 10
_INSERT_BATCH = 500
_ERROR_LENGTH = 500

_CALENDAR_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{start}" end="{end}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>
"""


@dataclass(frozen=True, slots=True)
class SyncResult:
    """How one calendar's sync went: `busy_count` rows stored, or the error recorded."""

    calendar_id: int
    ok: bool
    busy_count: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class _Source:
    calendar_id: int
    expert_id: int
    timezone: str
    kind: str
    url: str
    username: str
    password: str


# --- Registering ---------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = url.strip()
    # Outlook and Apple hand out webcal:// links for the same https address.
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in {"http", "https"} or not rest:
        raise InvalidInput.field("url", "must be an http or https address")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in host:
        raise InvalidInput.field("url", "put the user name and password in their own fields")
    if not host or host.startswith(":"):
        raise InvalidInput.field("url", "has no host")
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise InvalidInput.field("url", "must not contain spaces or control characters")
    if len(url) > 2000:
        raise InvalidInput.field("url", "is longer than 2000 characters")
    return url


async def add_external_calendar(
    expert_id: int,
    kind: str,
    url: str,
    username: str = "",
    password: str = "",
    write_bookings: bool = False,
    cipher: PasswordCipher | None = None,
) -> int:
    """Register an expert's ICS address or CalDAV calendar; its first sync comes with the next
    periodic run (or call `sync_calendar` at once). The new calendar's id."""
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"must be one of {', '.join(KINDS)}")
    url = _clean_url(url)
    if len(username) > 200:
        raise InvalidInput.field("username", "is longer than 200 characters")
    if len(password) > 200:
        raise InvalidInput.field("password", "is longer than 200 characters")
    if write_bookings and kind != "caldav":
        raise InvalidInput.field("write_bookings", "only a CalDAV calendar can be written to")
    async with write_transaction(ExternalCalendar._meta.db):
        if not await Expert.exists().where(Expert.id == expert_id):
            raise NotFound(f"No expert {expert_id}.")
        existing = await ExternalCalendar.select(ExternalCalendar.url).where(
            ExternalCalendar.expert == expert_id
        )
        if any(row["url"] == url for row in existing):
            raise Conflict("That calendar is already registered.", [FieldError("url", "taken")])
        if len(existing) >= MAX_CALENDARS_PER_EXPERT:
            raise InvalidInput.field(
                "url", f"an expert can connect at most {MAX_CALENDARS_PER_EXPERT} calendars"
            )
        calendar = ExternalCalendar(
            expert=expert_id,
            kind=kind,
            url=url,
            username=username,
            password=cipher.seal(password) if cipher else password,
            write_bookings=write_bookings,
        )
        await calendar.save()
    return int(calendar.id)


# --- Parsing -------------------------------------------------------------------------------


# --- Syncing -------------------------------------------------------------------------------


async def _read_busy(
    source: _Source, fetcher: Fetcher, window_start: datetime, window_end: datetime
) -> list[Interval]:
    zone = ZoneInfo(source.timezone)
    auth = (source.username, source.password) if source.username else None
    # Parsing a large feed takes a while; a thread keeps the event loop (and searches) moving.
    if source.kind == "caldav":
        query = _CALENDAR_QUERY.format(
            start=ical_utc(window_start - EDGE), end=ical_utc(window_end + EDGE)
        )
        body = await fetcher.fetch(
            source.url,
            method="REPORT",
            body=query.encode("utf-8"),
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            auth=auth,
        )
        return await asyncio.to_thread(caldav_busy, body, window_start, window_end, zone)
    ics = await fetcher.fetch(source.url, auth=auth)
    return await asyncio.to_thread(busy_intervals, ics, window_start, window_end, zone)


async def _load(calendar_id: int, cipher: PasswordCipher | None = None) -> _Source:
    row = (
        await ExternalCalendar.select(
            ExternalCalendar.id,
            ExternalCalendar.expert,
            ExternalCalendar.expert.timezone.as_alias("timezone"),
            ExternalCalendar.kind,
            ExternalCalendar.url,
            ExternalCalendar.username,
            ExternalCalendar.password,
        )
        .where(ExternalCalendar.id == calendar_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No external calendar {calendar_id}.")
    return _Source(
        calendar_id=row["id"],
        expert_id=row["expert"],
        timezone=row["timezone"],
        kind=row["kind"],
        url=row["url"],
        username=row["username"],
        password=cipher.open(row["password"]) if cipher else row["password"],
    )


async def _store(source: _Source, intervals: Sequence[Interval], now: datetime) -> None:
    """Replace the calendar's busy rows in one transaction, unless a later sync already did
    or the calendar is gone."""
    async with write_transaction(ExternalBusy._meta.db):
        # Updating the calendar first locks its row, so two syncs of one calendar queue here.
        current = await (
            ExternalCalendar.update(
                {
                    ExternalCalendar.last_success_at: now,
                    ExternalCalendar.last_error: "",
                    ExternalCalendar.last_error_at: None,
                }
            )
            .where(
                (ExternalCalendar.id == source.calendar_id)
                & (
                    ExternalCalendar.last_success_at.is_null()
                    | (ExternalCalendar.last_success_at <= now)
                )
            )
            .returning(ExternalCalendar.id)
        )
        if not current:
            return
        await ExternalBusy.delete().where(ExternalBusy.calendar == source.calendar_id)
        for first in range(0, len(intervals), _INSERT_BATCH):
            await ExternalBusy.insert(
                *(
                    ExternalBusy(
                        calendar=source.calendar_id,
                        expert=source.expert_id,
                        starts_at=clamped(start),
                        ends_at=clamped(end),
                    )
                    for start, end in intervals[first : first + _INSERT_BATCH]
                )
            )


async def _record_failure(calendar_id: int, error: str, now: datetime) -> None:
    await ExternalCalendar.update(
        {ExternalCalendar.last_error: error, ExternalCalendar.last_error_at: now}
    ).where(ExternalCalendar.id == calendar_id)


async def _sync(source: _Source, fetcher: Fetcher, now: datetime) -> SyncResult:
    window_start, window_end = now - WINDOW_BEFORE, now + WINDOW_AHEAD
    try:
        intervals = await _read_busy(source, fetcher, window_start, window_end)
    except (FetchError, CalendarUnreadable) as exc:
        error = str(exc)[:_ERROR_LENGTH]
        logger.info("external calendar %s not synced: %s", source.calendar_id, error)
        await _record_failure(source.calendar_id, error, now)
        return SyncResult(source.calendar_id, ok=False, error=error)
    await _store(source, intervals, now)
    return SyncResult(source.calendar_id, ok=True, busy_count=len(intervals))


async def sync_calendar(
    calendar_id: int, fetcher: Fetcher, now: datetime, cipher: PasswordCipher | None = None
) -> SyncResult:
    """Fetch one calendar now and replace its busy times; on failure keep them and record why.
    Raises NotFound for an unknown calendar."""
    source = await _load(calendar_id, cipher)
    await ExternalCalendar.update({ExternalCalendar.last_attempt_at: now}).where(
        ExternalCalendar.id == calendar_id
    )
    return await _sync(source, fetcher, now)


async def _claim(calendar_id: int, now: datetime, every: timedelta) -> bool:
    """Mark the calendar attempted unless another worker did within `every`."""
    claimed = await (
        ExternalCalendar.update({ExternalCalendar.last_attempt_at: now})
        .where(
            (ExternalCalendar.id == calendar_id)
            & (
                ExternalCalendar.last_attempt_at.is_null()
                | (ExternalCalendar.last_attempt_at <= now - every)
            )
        )
        .returning(ExternalCalendar.id)
    )
    return bool(claimed)


async def sync_due_calendars(
    fetcher: Fetcher,
    now: datetime,
    every: timedelta = SYNC_EVERY,
    *,
    limit: int = 200,
    concurrency: int = 8,
    cipher: PasswordCipher | None = None,
) -> int:
    """The periodic job: sync up to `limit` calendars not attempted within `every`, longest
    waiting first, `concurrency` at a time. Safe to run from several workers: each calendar is
    claimed before it is fetched. The number of calendars synced (whether or not they failed)."""
    due = (
        await ExternalCalendar.select(ExternalCalendar.id, ExternalCalendar.last_attempt_at)
        .where(
            ExternalCalendar.last_attempt_at.is_null()
            | (ExternalCalendar.last_attempt_at <= now - every)
        )
        .order_by(ExternalCalendar.id)
    )
    # Never-tried calendars first, then the longest waiting; sorted here because NULL
    # ordering differs between the engines.
    oldest = datetime.min.replace(tzinfo=UTC)
    ids = [row["id"] for row in sorted(due, key=lambda row: row["last_attempt_at"] or oldest)][
        :limit
    ]
    gate = asyncio.Semaphore(concurrency)
    synced = 0

    async def sync_one(calendar_id: int) -> None:
        nonlocal synced
        async with gate:
            if not await _claim(calendar_id, now, every):
                return
            try:
                source = await _load(calendar_id, cipher)
            except NotFound:  # removed since the list was read
                return
            await _sync(source, fetcher, now)
            synced += 1

    async with asyncio.TaskGroup() as group:
        for calendar_id in ids:
            group.create_task(sync_one(calendar_id))
    return synced


@dataclass(frozen=True, slots=True)
class ExternalCalendarStatus:
    """What an expert sees of a registered calendar: the host only, never the secret URL."""

    id: int
    kind: str
    host: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None


async def calendars_of(expert_id: int) -> list[ExternalCalendarStatus]:
    rows = (
        await ExternalCalendar.select()
        .where(ExternalCalendar.expert == expert_id)
        .order_by(ExternalCalendar.id)
    )
    return [
        ExternalCalendarStatus(
            id=row["id"],
            kind=row["kind"],
            host=urlsplit(row["url"]).hostname or "",
            last_attempt_at=row["last_attempt_at"],
            last_success_at=row["last_success_at"],
            last_error=row["last_error"],
            last_error_at=row["last_error_at"],
        )
        for row in rows
    ]


async def owned_calendar(expert_id: int, calendar_id: int) -> int:
    exists = await ExternalCalendar.exists().where(
        (ExternalCalendar.id == calendar_id) & (ExternalCalendar.expert == expert_id)
    )
    if not exists:
        raise NotFound(f"No external calendar {calendar_id}.")
    return calendar_id


async def remove_external_calendar(expert_id: int, calendar_id: int) -> None:
    """The calendar and its busy times go together (ExternalBusy cascades)."""
    await owned_calendar(expert_id, calendar_id)
    await ExternalCalendar.delete().where(ExternalCalendar.id == calendar_id)


async def busy_times_of(expert_id: int, start: datetime, end: datetime) -> list[Interval]:
    """Busy times read from the expert's own calendars that overlap [start, end), by start."""
    rows = (
        await ExternalBusy.select(ExternalBusy.starts_at, ExternalBusy.ends_at)
        .where(
            (ExternalBusy.expert == expert_id)
            & (ExternalBusy.starts_at < end)
            & (ExternalBusy.ends_at > start)
        )
        .order_by(ExternalBusy.starts_at)
    )
    return [(row["starts_at"], row["ends_at"]) for row in rows]
