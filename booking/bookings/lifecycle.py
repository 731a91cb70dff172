"""Booking use cases: create, read, cancel and reschedule, each one transaction."""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Column

from booking.bookings.choosing import take_start
from booking.bookings.cover import with_substitutes
from booking.bookings.customers import Customer, customer_from_request
from booking.bookings.locking import booking_transaction, lock_booking, lock_resources
from booking.bookings.manage_links import manage_token
from booking.bookings.notices import notify_change
from booking.bookings.references import REFERENCE_FORM, hash_token, new_reference
from booking.bookings.reservations import expert_resource, release, release_hold, reserve
from booking.bookings.schemas import BookingCreate
from booking.catalogue.key_customers import key_customer_manager
from booking.catalogue.services import (
    Localized,
    ServiceInfo,
    bookable_experts,
    check_channel_and_language,
    get_service,
    get_service_by_id,
)
from booking.engine.availability import reserved_interval
from booking.history.events import Actor, Event, HistoryEntry, history_of, record_event
from booking.tables import Booking
from booking.video.rooms import customer_attendee, expert_attendee, meeting_link, new_room_name
from calendars.bookable_experts import expert_profile
from calendars.schedules import ExpertProfile
from luukku.compiled_queries import CompiledQuery
from luukku.instants import bounded
from luukku.problems import Conflict, InvalidInput, NotFound, SlotTaken
from luukku.settings import Settings
from notifications.outbox import Change
from security import audit
from staff.accounts import StaffMember

MANAGE_TOKEN_VALIDITY_AFTER_END = timedelta(days=30)
# "Any expert" retries with the next free expert when another request won the race.
_ANY_EXPERT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class BookingView:
    reference: str
    status: str
    start: datetime
    end: datetime
    channel: str
    language: str
    service_slug: str
    service_name: Localized
    expert_id: int
    expert_name: str
    timezone: str
    customer: Customer
    message: str
    video_url: str
    """A plain meeting link (bookings made before meeting rooms); else empty."""
    video_room: str
    expert_email: str
    cancel_reason: str
    reschedule_count: int
    staff_notes: str = ""
    """Staff only: pages and APIs for the customer never show it."""
    outcome: str = ""
    """`completed`, `no_show`, or empty until staff mark it."""
    history: tuple[HistoryEntry, ...] = ()
    """What happened to the booking, oldest first (the customer's reads fill it)."""


@dataclass(frozen=True, slots=True)
class CreatedBooking:
    booking: BookingView
    manage_token: str


def instant(value: datetime, field: str = "start") -> datetime:
    """`value` in UTC, or InvalidInput for instants outside the calendar Luukku keeps."""
    return bounded(value, field)


HeldBooking = Callable[[BookingCreate, Settings, datetime], Awaitable[CreatedBooking]]
"""Books a request carrying `hold_token` (booking.holds.holding.book_with_hold, which the app
provides to the booking route as the `held_booking` dependency: holds sit above bookings)."""

AfterInsert = Callable[[int], Awaitable[None]]
"""Runs inside the booking's transaction with the new booking's id (e.g. to link the contact
request it answers), so both commit or neither does."""


async def create_booking(
    request: BookingCreate,
    settings: Settings,
    now: datetime,
    after_insert: AfterInsert | None = None,
    by: Actor = Actor.CUSTOMER,
    hold_id: int | None = None,
) -> CreatedBooking:
    """Book `request`; `by` is who made it (staff when a contact request becomes a booking).
    With `hold_id` (the caller checked the hold's token and set its expert) the hold's time is
    released and booked in one transaction."""
    service = await get_service(request.service)
    check_channel_and_language(service, request.channel, request.language)
    customer, notice = customer_from_request(
        request.customer, request.language, request.privacy_notice_version, settings
    )
    start = instant(request.start)
    candidates = await bookable_experts(
        service, request.channel, request.language, request.expert_id
    )

    # While an expert is away, the substitute named for the absence takes their bookings.
    candidates = await with_substitutes(
        candidates, start, start + service.rules.duration, request.channel, request.language
    )
    preferred = (
        await key_customer_manager(service.agency_id, customer.business_id)
        if request.expert_id is None
        else None
    )
    attempts = 1 if request.expert_id is not None else _ANY_EXPERT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return await _insert_booking(
                request,
                service,
                candidates,
                customer,
                (start, notice, preferred),
                settings,
                now,
                (after_insert, by, hold_id),
            )
        except SlotTaken:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


_BOOKING_COLUMNS = tuple(
    column._meta.name for column in Booking._meta.columns if column is not Booking.id
)
# Compiled once (luukku/compiled_queries.py): `booking.save()` without building the INSERT.
_INSERT_BOOKING = CompiledQuery(
    Booking,
    lambda *values: Booking.insert(
        Booking(**dict(zip(_BOOKING_COLUMNS, values, strict=True)))
    ).returning(Booking.id),
)


async def _insert_booking(
    request: BookingCreate,
    service: ServiceInfo,
    candidates: Sequence[ExpertProfile],
    customer: Customer,
    choice: tuple[datetime, str, int | None],
    settings: Settings,
    now: datetime,
    hooks: tuple[AfterInsert | None, Actor, int | None],
) -> CreatedBooking:
    start, notice, preferred = choice
    after_insert, by, hold_id = hooks
    reference = new_reference()
    token = manage_token(settings, reference)
    end = start + service.rules.duration
    video_room = new_room_name() if request.channel == "video" else ""
    if len(candidates) > 1:
        # "Any expert": choose before locking, then lock and check only the chosen one, so
        # that concurrent bookings of a service queue behind one expert's lock, not behind
        # all of theirs. Lost to a concurrent booking, the check below answers SlotTaken and
        # create_booking() chooses again.
        candidates = [await take_start(service, candidates, start, now, preferred)]
    async with booking_transaction():
        # Serialises writers per expert: the overlap and daily-limit checks below then see
        # every committed booking; the exclusion constraint stays as the last word.
        await lock_resources(expert_resource(e.id) for e in candidates)
        if hold_id is not None:
            await release_hold(hold_id)
        expert = await take_start(service, candidates, start, now, preferred)
        booking = Booking(
            reference=reference,
            service=service.id,
            expert=expert.id,
            starts_at=start,
            ends_at=end,
            channel=request.channel,
            language=request.language,
            status="confirmed",
            customer_name=customer.name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_company=customer.company,
            customer_business_id=customer.business_id,
            customer_language=customer.language,
            message=(request.message or "").strip(),
            privacy_notice_version=notice,
            manage_token_hash=hash_token(token),
            video_room=video_room,
            created_at=now,
            updated_at=now,
        )
        inserted = await _INSERT_BOOKING(*(getattr(booking, name) for name in _BOOKING_COLUMNS))
        booking.id = inserted[0]["id"]
        await reserve(
            expert_resource(expert.id),
            reserved_interval(start, service.rules),
            booking.id,
            now,
            checked=True,
        )
        await notify_change(Change.CREATED, booking.to_dict(), service, settings, now)
        await record_event(booking.id, Event.CREATED, by, now)
        if after_insert is not None:
            await after_insert(booking.id)
    view = _view(booking.to_dict(), service, expert)
    return CreatedBooking(booking=view, manage_token=token)


def video_link(view: BookingView, settings: Settings, *, for_expert: bool = False) -> str:
    """The reader's own link into a video booking's meeting (the customer's, or `for_expert`
    the expert's); empty for other channels."""
    attendee = (
        expert_attendee(view.expert_id, view.expert_name, view.expert_email)
        if for_expert
        else customer_attendee(view.customer.name, view.customer.email)
    )
    return meeting_link(settings, view.video_room, view.video_url, attendee, view.start, view.end)


def as_read_by(view: BookingView, settings: Settings, *, for_expert: bool = False) -> BookingView:
    """The view with `video_url` set to the reader's own meeting link (for pages)."""
    return dataclasses.replace(view, video_url=video_link(view, settings, for_expert=for_expert))


def _view(row: dict[str, Any], service: ServiceInfo, expert: ExpertProfile) -> BookingView:
    return BookingView(
        reference=row["reference"],
        status=row["status"],
        start=row["starts_at"],
        end=row["ends_at"],
        channel=row["channel"],
        language=row["language"],
        service_slug=service.slug,
        service_name=service.name,
        expert_id=expert.id,
        expert_name=expert.name,
        timezone=expert.timezone,
        customer=Customer(
            name=row["customer_name"],
            email=row["customer_email"],
            phone=row["customer_phone"],
            company=row["customer_company"],
            business_id=row["customer_business_id"],
            language=row["customer_language"],
        ),
        message=row["message"],
        video_url=row["video_url"],
        video_room=row["video_room"],
        expert_email=expert.email,
        cancel_reason=row["cancel_reason"],
        reschedule_count=row["reschedule_count"],
        staff_notes=row["staff_notes"],
        outcome=row["outcome"],
    )


# Compared against when the reference is unknown, so both failures take the same time.
_NO_SUCH_TOKEN_HASH = hash_token("no such booking")


def _reference(text: str) -> str:
    """A reference in its stored form; anything that cannot be one is simply not found."""
    reference = text.strip().upper()
    if not REFERENCE_FORM.fullmatch(reference):
        raise NotFound("No booking with that reference and token.")
    return reference


def _check_token(row: dict[str, Any] | None, token: str, now: datetime) -> dict[str, Any]:
    """The booking row when `token` is its manage token and still valid; NotFound otherwise."""
    stored = row["manage_token_hash"] if row else _NO_SUCH_TOKEN_HASH
    matches = hmac.compare_digest(stored, hash_token(token))
    if row is None or not matches or now > row["ends_at"] + MANAGE_TOKEN_VALIDITY_AFTER_END:
        raise NotFound("No booking with that reference and token.")
    return row


async def _authorized(reference: str, token: str, now: datetime) -> dict[str, Any]:
    reference = _reference(reference)
    row = await Booking.select().where(Booking.reference == reference).first()
    return _check_token(row, token, now)


async def _locked_authorized(reference: str, token: str, now: datetime) -> dict[str, Any]:
    """Inside booking_transaction(), first: the booking locked and re-read, if `token` may
    change it; every later decision rests on this row (see booking/bookings/locking.py)."""
    return _check_token(await lock_booking(_reference(reference)), token, now)


async def _view_of(row: dict[str, Any]) -> BookingView:
    service = await get_service_by_id(row["service"])
    expert = await expert_profile(row["expert"])
    return _view(row, service, expert)


def _by_name(changes: dict[Column | str, Any]) -> dict[str, Any]:
    return {c if isinstance(c, str) else c._meta.name: value for c, value in changes.items()}


async def bookings_of_expert(expert_id: int, start: datetime, end: datetime) -> list[BookingView]:
    """An expert's bookings starting in [start, end), cancelled ones included, by start."""
    rows = (
        await Booking.select()
        .where(
            (Booking.expert == expert_id) & (Booking.starts_at >= start) & (Booking.starts_at < end)
        )
        .order_by(Booking.starts_at)
    )
    if not rows:
        return []
    expert = await expert_profile(expert_id)
    services = {sid: await get_service_by_id(sid) for sid in {row["service"] for row in rows}}
    return [_view(row, services[row["service"]], expert) for row in rows]


async def get_view_by_reference(reference: str) -> BookingView:
    """A booking by reference, for callers that have checked who may see it."""
    row = await Booking.select().where(Booking.reference == _reference(reference)).first()
    if row is None:
        raise NotFound("No such booking.")
    return await _view_of(row)


async def expert_booking(expert_id: int, reference: str) -> BookingView:
    """One of the expert's own bookings by reference; NotFound for anyone else's."""
    row = (
        await Booking.select()
        .where((Booking.reference == _reference(reference)) & (Booking.expert == expert_id))
        .first()
    )
    if row is None:
        raise NotFound("No such booking of yours.")
    return await _view_of(row)


MAX_STAFF_NOTES = 4000


async def read_own_booking(member: StaffMember, expert_id: int, reference: str) -> BookingView:
    """One of the expert's own bookings, as `member` reads it (recorded in the audit log)."""
    view = await expert_booking(expert_id, reference)
    await audit.record(audit.staff_actor(member), "view", f"booking:{view.reference}")
    return view


async def set_staff_notes(member: StaffMember, expert_id: int, reference: str, notes: str) -> None:
    """Replace the expert's notes on one of their own bookings (NotFound for anyone else's).
    Notes change nothing the customer or a calendar sees, so the booking's SEQUENCE stays."""
    notes = notes.replace("\x00", "").strip()
    if len(notes) > MAX_STAFF_NOTES:
        raise InvalidInput.field("notes", f"at most {MAX_STAFF_NOTES} characters")
    view = await expert_booking(expert_id, reference)
    await Booking.update({Booking.staff_notes: notes}).where(Booking.reference == view.reference)
    await audit.record(audit.staff_actor(member), "change", f"booking:{view.reference}", "notes")


async def get_booking(reference: str, token: str, now: datetime) -> BookingView:
    """The booking as its customer reads it, history included."""
    row = await _authorized(reference, token, now)
    return dataclasses.replace(await _view_of(row), history=await history_of(row["id"]))


async def cancel_booking(
    reference: str, token: str, reason: str | None, settings: Settings, now: datetime
) -> BookingView:
    """Cancel and free the time; cancelling again answers the cancelled booking unchanged."""
    async with booking_transaction():
        row = await _locked_authorized(reference, token, now)
        if row["status"] == "cancelled":
            return await _view_of(row)
        if row["starts_at"] <= now:
            raise Conflict("The appointment has already started; it cannot be cancelled.")
        changes: dict[Column | str, Any] = {
            Booking.status: "cancelled",
            Booking.cancel_reason: (reason or "").strip(),
            Booking.cancelled_at: now,
            Booking.updated_at: now,
            Booking.sequence: row["sequence"] + 1,
        }
        await Booking.update(changes).where(Booking.id == row["id"])
        await release(row["id"])
        await record_event(row["id"], Event.CANCELLED, Actor.CUSTOMER, now)
        cancelled = {**row, **_by_name(changes)}
        await notify_change(
            Change.CANCELLED, cancelled, await get_service_by_id(row["service"]), settings, now
        )
    return dataclasses.replace(await _view_of(cancelled), history=await history_of(row["id"]))


async def reschedule_booking(
    reference: str, token: str, new_start: datetime, settings: Settings, now: datetime
) -> BookingView:
    """Move a booking to `new_start` with the same expert; the old time is freed only if the
    new one is taken, all in one transaction."""
    start = instant(new_start)
    async with booking_transaction():
        # Two changes of one booking queue up, so the second sees the first's result
        # (its expert included: a move to a substitute may have changed it).
        row = await _locked_authorized(reference, token, now)
        if row["status"] == "cancelled":
            raise Conflict("A cancelled booking cannot be rescheduled.")
        if row["reschedule_count"] >= settings.max_customer_reschedules:
            raise Conflict(
                "This booking has already been rescheduled; "
                "please contact the service to change it."
            )
        if row["starts_at"] <= now:
            raise Conflict("The appointment has already started; it cannot be rescheduled.")
        service = await get_service_by_id(row["service"])
        expert = await expert_profile(row["expert"])
        await lock_resources([expert_resource(expert.id)])
        await release(row["id"])
        await take_start(service, [expert], start, now)
        changes: dict[Column | str, Any] = {
            Booking.starts_at: start,
            Booking.ends_at: start + service.rules.duration,
            Booking.reschedule_count: row["reschedule_count"] + 1,
            Booking.updated_at: now,
            Booking.sequence: row["sequence"] + 1,
        }
        await Booking.update(changes).where(Booking.id == row["id"])
        await reserve(
            expert_resource(expert.id), reserved_interval(start, service.rules), row["id"], now
        )
        moved = {**row, **_by_name(changes)}
        await notify_change(Change.RESCHEDULED, moved, service, settings, now)
        await record_event(row["id"], Event.RESCHEDULED, Actor.CUSTOMER, now)
    return dataclasses.replace(_view(moved, service, expert), history=await history_of(row["id"]))
