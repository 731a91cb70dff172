"""Reservations: the rows that hold a resource's time, and the transaction that keeps them apart.

PostgreSQL refuses overlapping rows per resource with an exclusion constraint; SQLite runs every
booking write in an IMMEDIATE transaction, so the overlap check below cannot race. Writers lock
through booking/bookings/locking.py first.

A hold's row carries `expires_at`. An exclusion constraint cannot compare with now(), so the
expiry is part of the overlap rule in two places instead: every reader counts only rows with no
`expires_at` or one still ahead, and every writer, under the resource's lock, first deletes the
expired hold rows in its way (`clear_expired_holds`) and then inserts; the constraint then sees
only live rows. No job has to run for an expired hold's time to be free again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from booking.engine.availability import Interval
from booking.tables import Reservation
from luukku.compiled_queries import CompiledQuery
from luukku.problems import SlotTaken

# Compiled once (luukku/compiled_queries.py): every slot search and booking runs these.
_OVERLAPPING = CompiledQuery(
    Reservation,
    lambda names, start, end, now: Reservation.select(
        Reservation.resource, Reservation.starts_at, Reservation.ends_at
    ).where(
        Reservation.resource.is_in(names)
        & (Reservation.starts_at < end)
        & (Reservation.ends_at > start)
        & (Reservation.expires_at.is_null() | (Reservation.expires_at > now))
    ),
)
_CLEAR_EXPIRED = CompiledQuery(
    Reservation,
    lambda resource, start, end, now: Reservation.delete().where(
        (Reservation.resource == resource)
        & (Reservation.starts_at < end)
        & (Reservation.ends_at > start)
        & Reservation.expires_at.is_not_null()
        & (Reservation.expires_at <= now)
    ),
)

_TAKEN = CompiledQuery(
    Reservation,
    lambda resource, start, end: (
        Reservation.select(Reservation.id)
        .where(
            (Reservation.resource == resource)
            & (Reservation.starts_at < end)
            & (Reservation.ends_at > start)
        )
        .limit(1)
    ),
)
_RESERVE_FOR_BOOKING = CompiledQuery(
    Reservation,
    lambda resource, start, end, booking_id: Reservation.insert(
        Reservation(resource=resource, starts_at=start, ends_at=end, booking=booking_id)
    ),
)


def expert_resource(expert_id: int) -> str:
    return f"expert:{expert_id}"


async def first_hold_expiry(
    resources: Iterable[str], start: datetime, end: datetime, now: datetime
) -> datetime | None:
    """When the first live hold among these resources' rows overlapping [start, end) expires;
    None when there is none. One query."""
    names = list(resources) or [""]
    row = await (
        Reservation.select(Reservation.expires_at)
        .where(
            Reservation.resource.is_in(names)
            & (Reservation.starts_at < end)
            & (Reservation.ends_at > start)
            & (Reservation.expires_at > now)
        )
        .order_by(Reservation.expires_at)
        .first()
    )
    if row is None:
        return None
    expiry: datetime = row["expires_at"]
    return expiry if expiry.tzinfo is not None else expiry.replace(tzinfo=UTC)


async def reservations_of(
    resources: Iterable[str], start: datetime, end: datetime, now: datetime
) -> dict[str, list[Interval]]:
    """Reserved intervals of each resource overlapping [start, end), holds expired by `now`
    left out; one query (none when there are no resources)."""
    names = list(resources)
    if not names:
        return {}
    overlapping = (
        Reservation.resource.is_in(names)
        & (Reservation.starts_at < end)
        & (Reservation.ends_at > start)
        & (Reservation.expires_at.is_null() | (Reservation.expires_at > now))
    )
    held: dict[str, list[Interval]] = defaultdict(list)
    if Reservation._meta.db.engine_type != "sqlite":
        rows = await _OVERLAPPING(names, start, end, now)
        for row in rows:
            held[row["resource"]].append(Interval(row["starts_at"], row["ends_at"]))
        return held

    # On SQLite, Piccolo's TIMESTAMPTZ converter costs ~1.5 µs a value (mostly a datetime.replace)
    # and each row ~1 µs to become a dict. Instead: one row per resource, its intervals as the
    # stored text ("start/end,start/end,..."), parsed here in about a third of the time.
    rows = await (
        Reservation.select(
            Reservation.resource,
            QueryString(
                "group_concat(CAST({} AS TEXT) || '/' || CAST({} AS TEXT), ',')",
                Reservation.starts_at,
                Reservation.ends_at,
                alias="intervals",
            ),
        )
        .where(overlapping)
        .group_by(Reservation.resource)
    )
    parse = datetime.fromisoformat
    for row in rows:
        intervals = held[row["resource"]]
        for interval in row["intervals"].split(","):
            starts_text, _, ends_text = interval.partition("/")
            starts_at, ends_at = parse(starts_text), parse(ends_text)
            # Read as Piccolo does: the stored text is UTC, whether or not it says so. Piccolo
            # writes "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00", which parses as UTC already.
            if starts_at.tzinfo is not UTC:
                starts_at = starts_at.replace(tzinfo=UTC)
            if ends_at.tzinfo is not UTC:
                ends_at = ends_at.replace(tzinfo=UTC)
            intervals.append(Interval(starts_at, ends_at))
    return held


async def clear_expired_holds(resource: str, interval: Interval, now: datetime) -> None:
    """Delete the expired hold rows of `resource` overlapping `interval`, so that the row
    about to be inserted meets only live ones; inside booking_transaction(), after
    lock_resources() of `resource`."""
    await _CLEAR_EXPIRED(resource, interval.start, interval.end, now)


async def _clear_way(resource: str, interval: Interval, now: datetime, *, checked: bool) -> None:
    """Before a reservation row goes in: expired holds out of its way, and unless `checked`
    on PostgreSQL (where the exclusion constraint has the last word), SlotTaken when a live
    row overlaps."""
    await clear_expired_holds(resource, interval, now)
    if checked and isinstance(Reservation._meta.db, PostgresEngine):
        return
    if await _TAKEN(resource, interval.start, interval.end):
        raise SlotTaken("The time is no longer free.")


async def _insert_free(reservation: Reservation, now: datetime, *, checked: bool = False) -> None:
    interval = Interval(reservation.starts_at, reservation.ends_at)
    await _clear_way(reservation.resource, interval, now, checked=checked)
    await Reservation.insert(reservation)


async def reserve(
    resource: str, interval: Interval, booking_id: int, now: datetime, *, checked: bool = False
) -> None:
    """Hold `interval` of `resource` for a booking; call inside booking_transaction() after
    lock_resources([resource]).

    `checked`: the caller found the time free under lock_resources() and lets a lost race end
    its transaction. Then PostgreSQL's exclusion constraint alone refuses an overlap
    (booking_transaction turns it into SlotTaken): one statement fewer a booking. Expired
    holds in the way are cleared first either way."""
    await _clear_way(resource, interval, now, checked=checked)
    await _RESERVE_FOR_BOOKING(resource, interval.start, interval.end, booking_id)


async def reserve_for_hold(
    resource: str, interval: Interval, hold_id: int, expires_at: datetime, now: datetime
) -> None:
    """Hold `interval` of `resource` for a hold until `expires_at`; inside
    booking_transaction(), after lock_resources() of `resource`."""
    await _insert_free(
        Reservation(
            resource=resource,
            starts_at=interval.start,
            ends_at=interval.end,
            hold=hold_id,
            expires_at=expires_at,
        ),
        now,
    )


async def release_hold(hold_id: int) -> None:
    """Free the time a hold keeps (its row goes; the hold's own row is its domain's)."""
    await Reservation.delete().where(Reservation.hold == hold_id)


async def release(booking_id: int) -> None:
    """Free every reservation a booking holds."""
    await Reservation.delete().where(Reservation.booking == booking_id)
