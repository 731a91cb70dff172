"""Hold use cases: take a time for a few minutes, release it, book it with the hold's token.

A hold is a reservation like a booking's (booking/bookings/reservations.py): taken under the
expert's lock with the same engine check as a booking, refused by the database when it would
overlap, and free again the moment `expires_at` passes. The token is 32 random bytes; only its
SHA-256 is stored, and it says nothing about the time, the service or the holder.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec

from booking.bookings.choosing import take_start
from booking.bookings.cover import with_substitutes
from booking.bookings.lifecycle import AfterInsert, CreatedBooking, create_booking, instant
from booking.bookings.locking import booking_transaction, lock_resources
from booking.bookings.reservations import expert_resource, release_hold, reserve_for_hold
from booking.bookings.schemas import BookingCreate
from booking.catalogue.services import (
    ServiceInfo,
    bookable_experts,
    check_channel_and_language,
    get_service,
    get_service_by_id,
)
from booking.engine.availability import reserved_interval
from booking.holds.schemas import HoldCreate
from booking.holds.tables import Hold
from booking.tables import Reservation
from calendars.bookable_experts import expert_profile
from calendars.schedules import ExpertProfile
from luukku.problems import InvalidInput, NotFound
from luukku.settings import Settings


@dataclass(frozen=True, slots=True)
class HeldTime:
    """A live hold as its holder sees it; `token` only right after it was taken."""

    id: int
    service_slug: str
    start: datetime
    end: datetime
    channel: str
    language: str
    expert_id: int
    expert_name: str
    expires_at: datetime
    token: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_holder(address: str) -> str:
    """The holder key of an API caller: its address, hashed (holds store no personal data)."""
    return "api:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def session_holder(session: str) -> str:
    """The holder key of a browser session (the page's session cookie), hashed."""
    return "web:" + hashlib.sha256(session.encode()).hexdigest()[:40]


async def _candidates(service: ServiceInfo, request: HoldCreate, start: datetime) -> list[Any]:
    experts = await bookable_experts(service, request.channel, request.language, request.expert_id)
    return await with_substitutes(
        experts, start, start + service.rules.duration, request.channel, request.language
    )


async def _drop_holds_of(holder: str) -> None:
    """One hold per holder: the previous one goes when a new one is taken."""
    ids = [row["id"] for row in await Hold.select(Hold.id).where(Hold.holder == holder)]
    if ids:
        await Reservation.delete().where(Reservation.hold.is_in(ids))
        await Hold.delete().where(Hold.id.is_in(ids))


async def place_hold(
    service: ServiceInfo,
    candidates: list[ExpertProfile],
    when: tuple[datetime, str, str],
    holder: str,
    now: datetime,
    expires_at: datetime,
) -> HeldTime:
    """Inside booking_transaction(), after lock_resources() of `holder` and the candidates'
    experts: hold `when` (start, channel, language) for `holder` until `expires_at` with the
    expert a booking would get. SlotTaken (409) when not free."""
    start, channel, language = when
    token = secrets.token_urlsafe(32)
    expert = await take_start(service, candidates, start, now)
    hold = Hold(
        token_hash=token_hash(token),
        holder=holder,
        service=service.id,
        expert=expert.id,
        starts_at=start,
        ends_at=start + service.rules.duration,
        channel=channel,
        language=language,
        expires_at=expires_at,
        created_at=now,
    )
    await hold.save()
    await reserve_for_hold(
        expert_resource(expert.id),
        reserved_interval(start, service.rules),
        hold.id,
        expires_at,
        now,
    )
    return HeldTime(
        id=hold.id,
        service_slug=service.slug,
        start=start,
        end=hold.ends_at,
        channel=channel,
        language=language,
        expert_id=expert.id,
        expert_name=expert.name,
        expires_at=expires_at,
        token=token,
    )


async def hold_candidates(service: ServiceInfo, request: HoldCreate) -> list[ExpertProfile]:
    """The experts who could take `request`'s time (substitutes included), or the reason
    why nobody can."""
    check_channel_and_language(service, request.channel, request.language)
    return await _candidates(service, request, instant(request.start))


async def take_hold(request: HoldCreate, holder: str, now: datetime, minutes: int) -> HeldTime:
    """Hold `request.start` for `minutes` for `holder` (releasing the holder's previous hold);
    "any expert" holds the expert a booking would get. SlotTaken (409) when not free."""
    service = await get_service(request.service)
    candidates = await hold_candidates(service, request)
    async with booking_transaction():
        await lock_resources([f"holder:{holder}", *(expert_resource(e.id) for e in candidates)])
        await _drop_holds_of(holder)
        return await place_hold(
            service,
            candidates,
            (instant(request.start), request.channel, request.language),
            holder,
            now,
            now + timedelta(minutes=minutes),
        )


async def live_hold(token: str, now: datetime) -> HeldTime | None:
    """The hold `token` names while it lasts; None once it expired, was used or released."""
    if not token or len(token) > 64:
        return None
    row = await Hold.select().where(Hold.token_hash == token_hash(token)).first()
    if row is None or row["expires_at"] <= now:
        return None
    service = await get_service_by_id(row["service"])
    expert = await expert_profile(row["expert"])
    return HeldTime(
        id=row["id"],
        service_slug=service.slug,
        start=row["starts_at"],
        end=row["ends_at"],
        channel=row["channel"],
        language=row["language"],
        expert_id=expert.id,
        expert_name=expert.name,
        expires_at=row["expires_at"],
    )


async def release_hold_token(token: str) -> None:
    """Give the held time back at once; NotFound when the token holds nothing."""
    if not token or len(token) > 64:
        raise NotFound("No such hold.")
    row = await Hold.select(Hold.id).where(Hold.token_hash == token_hash(token)).first()
    if row is None:
        raise NotFound("No such hold.")
    async with booking_transaction():
        await release_hold(row["id"])
        await Hold.delete().where(Hold.id == row["id"])


def _check_same_time(held: HeldTime, request: BookingCreate) -> None:
    """A hold books only the time it holds."""
    mismatch = next(
        (
            field
            for field, same in (
                ("service", held.service_slug == request.service),
                ("start", held.start == instant(request.start)),
                ("channel", held.channel == request.channel),
                ("language", held.language == request.language),
            )
            if not same
        ),
        None,
    )
    if mismatch is not None:
        raise InvalidInput.field("hold_token", f"holds another {mismatch} than this booking")


async def book_with_hold(
    request: BookingCreate,
    settings: Settings,
    now: datetime,
    after_insert: AfterInsert | None = None,
) -> CreatedBooking:
    """POST /api/v1/bookings with `hold_token`: the held time with the hold's expert, the hold
    used up in the same transaction. An expired (or unknown) hold is no hold: the time is
    booked as any free time, or refused as any taken one."""
    held = await live_hold(request.hold_token or "", now)
    if held is None:
        return await create_booking(request, settings, now, after_insert)
    _check_same_time(held, request)
    hold_id = held.id

    async def use_up(booking_id: int) -> None:
        await Hold.delete().where(Hold.id == hold_id)
        if after_insert is not None:
            await after_insert(booking_id)

    return await create_booking(
        msgspec.structs.replace(request, expert_id=held.expert_id),
        settings,
        now,
        use_up,
        hold_id=hold_id,
    )


async def forget_expired_holds(now: datetime) -> int:
    """Tidy: delete holds (and their rows) that expired; their time was free already."""
    ids = [row["id"] for row in await Hold.select(Hold.id).where(Hold.expires_at <= now)]
    if ids:
        async with booking_transaction():
            await Reservation.delete().where(Reservation.hold.is_in(ids))
            await Hold.delete().where(Hold.id.is_in(ids))
    return len(ids)


async def drop_hold(hold_id: int) -> None:
    """Inside booking_transaction(): the hold and its reservation go at once (a waitlist
    offer withdrawn, lapsed or accepted)."""
    await release_hold(hold_id)
    await Hold.delete().where(Hold.id == hold_id)
