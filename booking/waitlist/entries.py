"""Waitlist use cases of the customer: join the line, see one's place and offer, leave.

An entry's token is 32 random bytes; only its SHA-256 is stored. Joining from a booking (to get
an earlier time) needs that booking's manage token, and keeps the booking's service, channel and
expert, so that accepting an offer is a move of the booking to an earlier time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking.bookings.customers import Customer, customer_from_request
from booking.bookings.lifecycle import BookingView, get_booking
from booking.bookings.locking import booking_transaction, locked
from booking.catalogue.services import (
    Localized,
    ServiceInfo,
    bookable_experts,
    check_channel_and_language,
    get_service,
    get_service_by_id,
)
from booking.holds.holding import drop_hold
from booking.waitlist.letters import joined_letter
from booking.waitlist.schemas import WaitlistJoin
from booking.waitlist.tables import WaitlistEntry, WaitlistOffer
from calendars.bookable_experts import expert_profile
from luukku.database import write_transaction
from luukku.problems import FieldError, InvalidInput, NotFound
from luukku.settings import Settings
from notifications.outbox import Person

HELSINKI = ZoneInfo("Europe/Helsinki")
LIVE = ("waiting", "offered")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NO_SUCH_HASH = hashlib.sha256(b"no such entry").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    """`WL-XXXX-XXXX`: 40 random bits in an alphabet without look-alike characters."""
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"WL-{code[:4]}-{code[4:]}"


def today_local(now: datetime) -> date:
    return now.astimezone(HELSINKI).date()


def day_start(day: date) -> datetime:
    """Midnight starting `day` in Helsinki, as an aware instant."""
    return datetime.combine(day, datetime.min.time(), HELSINKI)


@dataclass(frozen=True, slots=True)
class OfferView:
    id: int
    status: str
    start: datetime
    end: datetime
    expires_at: datetime
    expert_id: int
    expert_name: str
    booking_reference: str


@dataclass(frozen=True, slots=True)
class WaitlistView:
    reference: str
    status: str
    service_slug: str
    service_name: Localized
    channel: str
    language: str
    earliest: date
    latest: date
    expert_id: int | None
    booking_reference: str
    customer_name: str
    customer_email: str
    customer_language: str
    offer: OfferView | None
    """The open offer; after acceptance, the accepted one."""
    token: str = ""
    """Only right after joining."""


@dataclass(frozen=True, slots=True)
class Window:
    earliest: date
    latest: date


def window_of(request: WaitlistJoin, service: ServiceInfo, now: datetime) -> Window:
    """The dates asked for, checked: from `earliest` (today when unsaid or past) to `latest`,
    inside the service's horizon."""
    today = today_local(now)
    earliest = max(request.earliest or today, today)
    latest = request.latest
    if latest < today:
        raise InvalidInput.field("latest", "is in the past")
    if latest < earliest:
        raise InvalidInput.field("latest", "must not be before earliest")
    if latest > today + timedelta(days=service.horizon_days):
        raise InvalidInput.field(
            "latest", f"is more than {service.horizon_days} days ahead, past the booking horizon"
        )
    return Window(earliest, latest)


async def _from_booking(
    request: WaitlistJoin, service: ServiceInfo, manage_token: str, now: datetime
) -> BookingView:
    """The booking the customer wants to move earlier, if `manage_token` may change it."""
    reference = request.booking_reference or ""
    if not manage_token:
        raise NotFound(
            "Send the booking's manage token as `Authorization: Bearer <token>`.",
            [FieldError("booking_reference", "unknown booking")],
        )
    booking = await get_booking(reference, manage_token, now)
    if booking.status != "confirmed" or booking.start <= now:
        raise InvalidInput.field("booking_reference", "is not a coming confirmed booking")
    for field, same in (
        ("service", booking.service_slug == service.slug),
        ("channel", booking.channel == request.channel),
        ("expert_id", request.expert_id in (None, booking.expert_id)),
    ):
        if not same:
            raise InvalidInput.field(field, "differs from the booking's")
    return booking


async def join(
    request: WaitlistJoin, manage_token: str, settings: Settings, now: datetime
) -> WaitlistView:
    """Put the customer in line, and record the confirmation letter with the line's link, in
    one transaction."""
    service = await get_service(request.service)
    check_channel_and_language(service, request.channel, request.language)
    window = window_of(request, service, now)
    booking = (
        await _from_booking(request, service, manage_token, now)
        if request.booking_reference
        else None
    )
    if booking is not None:
        customer, notice = booking.customer, settings.privacy_notice_version
    elif request.customer is None:
        raise InvalidInput.field("customer", "is required without booking_reference")
    else:
        customer, notice = customer_from_request(
            request.customer, request.language, request.privacy_notice_version, settings
        )
    expert_id = booking.expert_id if booking else request.expert_id
    await bookable_experts(service, request.channel, request.language, expert_id)
    token = secrets.token_urlsafe(32)
    entry = _entry(request, service, customer, notice, window, now)
    entry.expert = expert_id  # type: ignore[assignment]
    entry.token_hash = token_hash(token)
    entry.booking_reference = booking.reference if booking else ""
    entry.booking_starts_at = booking.start if booking else None  # type: ignore[assignment]
    async with write_transaction(WaitlistEntry._meta.db):
        await entry.save()
        view = await _view_of(entry.to_dict())
        await joined_letter(
            view.reference,
            Person(view.customer_name, view.customer_email, view.customer_language),
            (view.earliest, view.latest),
            token,
            service,
            settings,
            now,
        )
    return WaitlistView(**{**_fields(view), "token": token})


def _entry(
    request: WaitlistJoin,
    service: ServiceInfo,
    customer: Customer,
    notice: str,
    window: Window,
    now: datetime,
) -> WaitlistEntry:
    return WaitlistEntry(
        reference=new_reference(),
        service=service.id,
        channel=request.channel,
        language=request.language,
        earliest=window.earliest,
        latest=window.latest,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_phone=customer.phone,
        customer_company=customer.company,
        customer_business_id=customer.business_id,
        customer_language=customer.language,
        privacy_notice_version=notice,
        status="waiting",
        created_at=now,
        updated_at=now,
    )


def _fields(view: WaitlistView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in view.__dataclass_fields__}


async def current_offer(entry_id: int, status: str) -> OfferView | None:
    """The entry's open offer (or, once booked, the accepted one)."""
    wanted = "accepted" if status == "booked" else "open"
    row = (
        await WaitlistOffer.select()
        .where((WaitlistOffer.entry == entry_id) & (WaitlistOffer.status == wanted))
        .order_by(WaitlistOffer.id, ascending=False)
        .first()
    )
    return None if row is None else await offer_view(row)


async def offer_view(row: dict[str, Any]) -> OfferView:
    expert = await expert_profile(row["expert"])
    return OfferView(
        id=row["id"],
        status=row["status"],
        start=row["starts_at"],
        end=row["ends_at"],
        expires_at=row["expires_at"],
        expert_id=expert.id,
        expert_name=expert.name,
        booking_reference=row["booking_reference"],
    )


async def _view_of(row: dict[str, Any]) -> WaitlistView:
    service = await get_service_by_id(row["service"])
    return WaitlistView(
        reference=row["reference"],
        status=row["status"],
        service_slug=service.slug,
        service_name=service.name,
        channel=row["channel"],
        language=row["language"],
        earliest=row["earliest"],
        latest=row["latest"],
        expert_id=row["expert"],
        booking_reference=row["booking_reference"],
        customer_name=row["customer_name"],
        customer_email=row["customer_email"],
        customer_language=row["customer_language"],
        offer=(
            await current_offer(row["id"], row["status"])
            if row["status"] in ("offered", "booked")
            else None
        ),
    )


def check_token(row: dict[str, Any] | None, token: str) -> dict[str, Any]:
    """The entry row when `token` is its token; NotFound otherwise (in constant time)."""
    stored = row["token_hash"] if row else _NO_SUCH_HASH
    if not hmac.compare_digest(stored, token_hash(token)) or row is None:
        raise NotFound("No such waitlist entry.")
    return row


async def authorized_entry(reference: str, token: str) -> dict[str, Any]:
    if len(reference) > 16 or len(token) > 64:
        raise NotFound("No such waitlist entry.")
    row = await WaitlistEntry.select().where(WaitlistEntry.reference == reference).first()
    return check_token(row, token)


async def get_entry(reference: str, token: str) -> WaitlistView:
    return await _view_of(await authorized_entry(reference, token))


async def leave(reference: str, token: str, now: datetime) -> WaitlistView:
    """Leave the line; an open offer is withdrawn and its time freed at once. Leaving again,
    or after the entry ended, answers it unchanged."""
    entry_id = (await authorized_entry(reference, token))["id"]
    async with booking_transaction():
        row = await locked(WaitlistEntry.select().where(WaitlistEntry.id == entry_id)).first()
        assert row is not None
        if row["status"] in LIVE:
            offers = await locked(
                WaitlistOffer.select().where(
                    (WaitlistOffer.entry == entry_id) & (WaitlistOffer.status == "open")
                )
            )
            for offer in offers:
                if offer["hold"] is not None:
                    await drop_hold(offer["hold"])
            await WaitlistOffer.update(
                {WaitlistOffer.status: "withdrawn", WaitlistOffer.resolved_at: now}
            ).where((WaitlistOffer.entry == entry_id) & (WaitlistOffer.status == "open"))
            await WaitlistEntry.update(
                {WaitlistEntry.status: "cancelled", WaitlistEntry.updated_at: now}
            ).where(WaitlistEntry.id == entry_id)
            row = {**row, "status": "cancelled"}
    return await _view_of(row)
