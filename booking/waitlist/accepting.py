"""Accepting a waitlist offer: the held time is booked, or the customer's booking moved to it.

Accepting runs in the booking's own transaction: the offer is locked and re-read there, so an
acceptance racing the lapse job, or a second click, finds the offer settled and is refused (410
once it lapsed or was withdrawn; 409 once accepted). A moved booking frees its old time, which
the offer job passes to the next in line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.columns import Column

from booking.bookings.choosing import take_start
from booking.bookings.lifecycle import BookingView, create_booking, get_view_by_reference
from booking.bookings.locking import booking_transaction, lock_booking, lock_resources, locked
from booking.bookings.notices import notify_change
from booking.bookings.reservations import expert_resource, release, reserve
from booking.bookings.schemas import BookingCreate, CustomerIn
from booking.catalogue.services import get_service_by_id
from booking.engine.availability import reserved_interval
from booking.history.events import Actor, Event, record_event
from booking.holds.holding import drop_hold
from booking.tables import Booking
from booking.waitlist.entries import authorized_entry, token_hash
from booking.waitlist.tables import WaitlistEntry, WaitlistOffer
from calendars.bookable_experts import expert_profile
from luukku.problems import Conflict, Gone, NotFound, SlotTaken
from luukku.settings import Settings
from notifications.outbox import Change

GONE = "The offered time is no longer kept for you: it went to the next in line."


def _refusal(offer: dict[str, Any], now: datetime) -> Exception | None:
    if offer["status"] == "accepted":
        return Conflict("This offer has already been accepted.")
    if offer["status"] != "open" or offer["expires_at"] <= now or offer["hold"] is None:
        return Gone(GONE)
    return None


async def _settle(entry_id: int, offer_id: int, booking_reference: str, now: datetime) -> int:
    """Inside the booking's transaction, after its resources: the offer locked, re-read and
    marked accepted, the entry booked, the hold gone. Answers the hold's id."""
    await locked(WaitlistEntry.select().where(WaitlistEntry.id == entry_id))
    offer = await locked(WaitlistOffer.select().where(WaitlistOffer.id == offer_id)).first()
    assert offer is not None
    refusal = _refusal(offer, now)
    if refusal is not None:
        raise refusal
    await drop_hold(offer["hold"])
    await WaitlistOffer.update(
        {
            WaitlistOffer.status: "accepted",
            WaitlistOffer.resolved_at: now,
            WaitlistOffer.booking_reference: booking_reference,
        }
    ).where(WaitlistOffer.id == offer_id)
    await WaitlistEntry.update(
        {
            WaitlistEntry.status: "booked",
            WaitlistEntry.claimed_until: None,
            WaitlistEntry.updated_at: now,
        }
    ).where(WaitlistEntry.id == entry_id)
    return int(offer["hold"])


async def _book(
    entry: dict[str, Any], offer: dict[str, Any], settings: Settings, now: datetime
) -> tuple[BookingView, str]:
    service = await get_service_by_id(entry["service"])
    request = BookingCreate(
        service=service.slug,
        start=offer["starts_at"],
        channel=entry["channel"],
        language=entry["language"],
        expert_id=offer["expert"],
        customer=CustomerIn(
            name=entry["customer_name"],
            email=entry["customer_email"],
            phone=entry["customer_phone"] or None,
            company=entry["customer_company"] or None,
            business_id=entry["customer_business_id"] or None,
            language=entry["customer_language"],
        ),
    )

    async def settle(booking_id: int) -> None:
        row = await Booking.select(Booking.reference).where(Booking.id == booking_id).first()
        assert row is not None
        await _settle(entry["id"], offer["id"], row["reference"], now)

    created = await create_booking(request, settings, now, settle, hold_id=offer["hold"])
    return created.booking, created.manage_token


async def _move(
    entry: dict[str, Any], offer: dict[str, Any], settings: Settings, now: datetime
) -> BookingView:
    """Move the customer's booking to the offered time (same expert), the system's change:
    it does not count against the customer's own reschedules."""
    async with booking_transaction():
        row = await lock_booking(entry["booking_reference"])
        if row is None or row["status"] != "confirmed" or row["starts_at"] <= now:
            raise Conflict("The booking to move is no longer a coming confirmed booking.")
        service = await get_service_by_id(row["service"])
        expert = await expert_profile(row["expert"])
        await lock_resources([expert_resource(expert.id)])
        await _settle(entry["id"], offer["id"], row["reference"], now)
        await release(row["id"])
        start = offer["starts_at"]
        await take_start(service, [expert], start, now)
        changes: dict[Column | str, Any] = {
            "starts_at": start,
            "ends_at": start + service.rules.duration,
            "updated_at": now,
            "sequence": row["sequence"] + 1,
        }
        await Booking.update(changes).where(Booking.id == row["id"])
        await reserve(
            expert_resource(expert.id), reserved_interval(start, service.rules), row["id"], now
        )
        await notify_change(
            Change.RESCHEDULED,
            {**row, **{str(k): v for k, v in changes.items()}},
            service,
            settings,
            now,
        )
        await record_event(row["id"], Event.RESCHEDULED, Actor.SYSTEM, now)
    return await get_view_by_reference(row["reference"])


async def _accept(
    entry: dict[str, Any], offer: dict[str, Any] | None, settings: Settings, now: datetime
) -> tuple[BookingView, str]:
    if offer is None:
        raise Gone(GONE)
    refusal = _refusal(offer, now)
    if refusal is not None:
        raise refusal
    try:
        if entry["booking_reference"]:
            return await _move(entry, offer, settings, now), ""
        return await _book(entry, offer, settings, now)
    except SlotTaken:
        # The hold ran out and the time was taken meanwhile: say what happened to the offer.
        again = await WaitlistOffer.select().where(WaitlistOffer.id == offer["id"]).first()
        refusal = _refusal(again or offer, now)
        raise (refusal or Gone(GONE)) from None


async def accept_current(
    reference: str, token: str, settings: Settings, now: datetime
) -> tuple[BookingView, str]:
    """POST /api/v1/waitlist/{reference}/accept: book the entry's latest offer. The booking
    and, when a new one was made, its manage token."""
    entry = await authorized_entry(reference, token)
    offer = (
        await WaitlistOffer.select()
        .where(WaitlistOffer.entry == entry["id"])
        .order_by(WaitlistOffer.id, ascending=False)
        .first()
    )
    return await _accept(entry, offer, settings, now)


async def offer_by_token(offer_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entry and offer an offer link names; NotFound for any other token."""
    if not offer_token or len(offer_token) > 64:
        raise NotFound("No such offer.")
    offer = (
        await WaitlistOffer.select()
        .where(WaitlistOffer.token_hash == token_hash(offer_token))
        .first()
    )
    if offer is None:
        raise NotFound("No such offer.")
    entry = await WaitlistEntry.select().where(WaitlistEntry.id == offer["entry"]).first()
    assert entry is not None
    return entry, offer


async def accept_by_link(
    offer_token: str, settings: Settings, now: datetime
) -> tuple[BookingView, str]:
    """The offer email's link: book that offer (410 once it lapsed or was withdrawn)."""
    entry, offer = await offer_by_token(offer_token)
    return await _accept(entry, offer, settings, now)
