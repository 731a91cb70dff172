"""The offer job: freed times go to the longest-waiting matching customer, one offer at a time.

Each run, in order: open offers whose time ran out lapse (their hold goes, the entry waits
again and is never offered that time again); entries whose window passed expire; then waiting
entries are claimed, oldest first, as the outbox's sender claims messages (a lease in
`claimed_until`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, an IMMEDIATE transaction on SQLite),
and each gets the first free time in its window it was not offered before, held for it.

Exactly once: the offer, its hold, the entry's change and the letter commit in one transaction,
made only after the entry is locked and re-read as still `waiting`; a second worker, or one
that takes over a killed worker's expired lease, finds the entry `offered` and does nothing.
Fair: a time goes to an entry only when no older waiting entry wants it (same service,
channel and language, its window and expert, not offered it before), so racing workers with
different claims still follow the line.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from booking.bookings.locking import booking_transaction, lock_resources, locked
from booking.bookings.reservations import expert_resource
from booking.bookings.slots import search_slots
from booking.catalogue.services import ServiceInfo, get_service_by_id
from booking.engine.availability import Slot
from booking.holds.holding import drop_hold, hold_candidates, place_hold
from booking.holds.schemas import HoldCreate
from booking.waitlist.entries import HELSINKI, day_start, today_local, token_hash
from booking.waitlist.letters import offer_letter
from booking.waitlist.tables import WaitlistEntry, WaitlistOffer
from luukku.database import write_transaction
from luukku.problems import DomainError
from luukku.settings import Settings

CLAIM_FOR = timedelta(minutes=5)
"""A worker's lease on a claimed entry; far longer than searching its window takes."""
BATCH_SIZE = 50


async def lapse_offers(now: datetime) -> int:
    """Offers not accepted by their expiry lapse: the hold goes, the entry waits again (or
    expires, its window past). The number lapsed."""
    due = await WaitlistOffer.select(WaitlistOffer.id, WaitlistOffer.entry).where(
        (WaitlistOffer.status == "open") & (WaitlistOffer.expires_at <= now)
    )
    lapsed = 0
    for offer in due:
        async with booking_transaction():
            entry = await locked(
                WaitlistEntry.select().where(WaitlistEntry.id == offer["entry"])
            ).first()
            row = await locked(
                WaitlistOffer.select().where(WaitlistOffer.id == offer["id"])
            ).first()
            if entry is None or row is None or row["status"] != "open":
                continue  # accepted or withdrawn meanwhile
            if row["hold"] is not None:
                await drop_hold(row["hold"])
            await WaitlistOffer.update(
                {WaitlistOffer.status: "lapsed", WaitlistOffer.resolved_at: now}
            ).where(WaitlistOffer.id == row["id"])
            if entry["status"] == "offered":
                past = entry["latest"] < today_local(now)
                await WaitlistEntry.update(
                    {
                        WaitlistEntry.status: "expired" if past else "waiting",
                        WaitlistEntry.claimed_until: None,
                        WaitlistEntry.updated_at: now,
                    }
                ).where(WaitlistEntry.id == entry["id"])
            lapsed += 1
    return lapsed


async def expire_entries(now: datetime) -> int:
    """Waiting entries whose last day has passed leave the line."""
    rows = (
        await WaitlistEntry.update({WaitlistEntry.status: "expired", WaitlistEntry.updated_at: now})
        .where((WaitlistEntry.status == "waiting") & (WaitlistEntry.latest < today_local(now)))
        .returning(WaitlistEntry.id)
    )
    return len(rows)


def _due(now: datetime) -> Any:
    return (WaitlistEntry.status == "waiting") & (
        WaitlistEntry.claimed_until.is_null() | (WaitlistEntry.claimed_until < now)
    )


async def claim(now: datetime, limit: int, passed: Sequence[int] = ()) -> list[int]:
    """Up to `limit` waiting entries, longest-waiting first, now this worker's until
    `now + CLAIM_FOR`; none of `passed` (those this run has already seen)."""
    engine = WaitlistEntry._meta.db
    due = _due(now) if not passed else _due(now) & WaitlistEntry.id.not_in(list(passed))
    async with write_transaction(engine):
        query = (
            WaitlistEntry.select(WaitlistEntry.id)
            .where(due)
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .limit(limit)
        )
        if isinstance(engine, PostgresEngine):
            query = query.lock_rows("UPDATE", skip_locked=True)
        ids = [row["id"] for row in await query]
        if ids:
            await WaitlistEntry.update({WaitlistEntry.claimed_until: now + CLAIM_FOR}).where(
                WaitlistEntry.id.is_in(ids)
            )
    return ids


async def _release(entry_id: int) -> None:
    """Nothing to offer now: the entry is due again for any run."""
    await WaitlistEntry.update({WaitlistEntry.claimed_until: None}).where(
        (WaitlistEntry.id == entry_id) & (WaitlistEntry.status == "waiting")
    )


def _wants(entry: dict[str, Any], slot: Slot) -> bool:
    """Whether `slot` fits the entry's window, expert and booking (pure)."""
    day = slot.start.astimezone(HELSINKI).date()
    return (
        entry["earliest"] <= day <= entry["latest"]
        and (entry["expert"] is None or entry["expert"] in slot.expert_ids)
        and (entry["booking_starts_at"] is None or slot.start < entry["booking_starts_at"])
    )


async def _offered_times(entry_ids: list[int]) -> set[tuple[int, datetime]]:
    rows = await WaitlistOffer.select(WaitlistOffer.entry, WaitlistOffer.starts_at).where(
        WaitlistOffer.entry.is_in(entry_ids or [0])
    )
    return {(row["entry"], row["starts_at"]) for row in rows}


async def _older_waiter_wants(entry: dict[str, Any], slot: Slot) -> bool:
    """Whether a waiting entry ahead of `entry` in line wants `slot` and was not offered it."""
    created = entry["created_at"]
    rows = await WaitlistEntry.select().where(
        (WaitlistEntry.service == entry["service"])
        & (WaitlistEntry.status == "waiting")
        & (WaitlistEntry.channel == entry["channel"])
        & (WaitlistEntry.language == entry["language"])
        & (
            (WaitlistEntry.created_at < created)
            | ((WaitlistEntry.created_at == created) & (WaitlistEntry.id < entry["id"]))
        )
    )
    ahead = [row["id"] for row in rows if _wants(row, slot)]
    offered = await _offered_times(ahead)
    return any((entry_id, slot.start) not in offered for entry_id in ahead)


async def _offer(
    entry_id: int, service: ServiceInfo, slot: Slot, settings: Settings, now: datetime
) -> bool:
    """Offer `slot` to the entry as a hold, in one transaction; False when the entry no
    longer waits, had the time before, or someone ahead wants it. SlotTaken when not free."""
    entry = await WaitlistEntry.select().where(WaitlistEntry.id == entry_id).first()
    assert entry is not None
    request = HoldCreate(
        service=service.slug,
        start=slot.start,
        channel=entry["channel"],
        language=entry["language"],
        expert_id=entry["expert"],
    )
    candidates = await hold_candidates(service, request)
    holder = f"waitlist:{entry_id}"
    expires_at = now + timedelta(minutes=settings.waitlist_offer_minutes)
    async with booking_transaction():
        await lock_resources([holder, *(expert_resource(e.id) for e in candidates)])
        entry = await locked(WaitlistEntry.select().where(WaitlistEntry.id == entry_id)).first()
        if entry is None or entry["status"] != "waiting":
            return False
        if (entry_id, slot.start) in await _offered_times([entry_id]):
            return False
        if await _older_waiter_wants(entry, slot):
            return False
        held = await place_hold(
            service,
            candidates,
            (slot.start, entry["channel"], entry["language"]),
            holder,
            now,
            expires_at,
        )
        offer_token = secrets.token_urlsafe(32)
        await WaitlistOffer.insert(
            WaitlistOffer(
                entry=entry_id,
                service=service.id,
                expert=held.expert_id,
                starts_at=held.start,
                ends_at=held.end,
                hold=held.id,
                token_hash=token_hash(offer_token),
                status="open",
                offered_at=now,
                expires_at=expires_at,
            )
        )
        await WaitlistEntry.update(
            {
                WaitlistEntry.status: "offered",
                WaitlistEntry.claimed_until: None,
                WaitlistEntry.updated_at: now,
            }
        ).where(WaitlistEntry.id == entry_id)
        await offer_letter(entry, (held.start, expires_at, offer_token), service, settings, now)
    return True


async def offer_to(entry_id: int, settings: Settings, now: datetime) -> bool:
    """Search the entry's window and offer it the first free time it was not offered before."""
    entry = await WaitlistEntry.select().where(WaitlistEntry.id == entry_id).first()
    if entry is None or entry["status"] != "waiting":
        return False
    try:
        service = await get_service_by_id(entry["service"])
        slots = await search_slots(
            service.slug,
            max(day_start(entry["earliest"]), now),
            day_start(entry["latest"] + timedelta(days=1)),
            now,
            entry["channel"],
            entry["language"],
            entry["expert"],
        )
    except DomainError:  # the service or expert left the catalogue: nothing to offer now
        slots = []
    offered = await _offered_times([entry_id])
    for slot in slots:
        if (entry_id, slot.start) in offered or not _wants(entry, slot):
            continue
        try:
            if await _offer(entry_id, service, slot, settings, now):
                return True
        except DomainError:  # taken meanwhile (SlotTaken) or no longer bookable: next one
            continue
    await _release(entry_id)
    return False


async def make_offers(settings: Settings, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """The periodic job: lapse, expire, then offer freed times down the line. The number of
    offers made."""
    await lapse_offers(now)
    await expire_entries(now)
    made = 0
    passed: list[int] = []
    while ids := await claim(now, batch_size, passed):
        for entry_id in ids:
            made += await offer_to(entry_id, settings, now)
        passed += ids
    return made
