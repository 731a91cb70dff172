"""The outbox: which messages a change of a booking causes, written in the change's transaction.

`booking` calls `record_change` inside its own write transaction, so a booking never exists
without its messages and a rolled-back change leaves none. Each message has an idempotency key
(kind, reference, the booking's SEQUENCE after the change, recipient), so recording the same
change twice adds nothing. Reminders and the feedback request belong to one version of the
booking: a later change drops the pending ones (recorded as `dropped`) and plans new ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import msgspec
from piccolo.query.methods.insert import Insert

from luukku.compiled_queries import CompiledQuery
from notifications.tables import OutboxMessage

FEEDBACK_AFTER_END = timedelta(hours=1)
"""The feedback request goes this long after the appointment ends."""


class Change(StrEnum):
    CREATED = "created"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REASSIGNED = "reassigned"
    """Moved to another expert (a substitute); the time stays."""


class Kind(StrEnum):
    CONFIRMATION = "confirmation"
    NEW_BOOKING = "new_booking"
    """To the expert, the agency's business services in copy."""
    RESCHEDULE = "reschedule"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"
    FEEDBACK_REQUEST = "feedback_request"
    DATA_REQUEST = "data_request"
    """To a customer who asked for their data: the one-time link to see and erase it."""


TIMED_KINDS = (Kind.REMINDER, Kind.FEEDBACK_REQUEST)
"""Messages about the appointment still ahead, void once the booking changes."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    language: str


@dataclass(frozen=True, slots=True)
class BookingSnapshot:
    """A booking as its messages describe it, after the change; times aware, UTC."""

    reference: str
    sequence: int
    status: str
    start: datetime
    end: datetime
    channel: str
    video_url: str
    location: str
    service_name: dict[str, str]
    agency_name: dict[str, str]
    customer: Person
    expert: Person
    timezone: str = "Europe/Helsinki"
    """Where times in the text are local (the expert's zone); the invitation says UTC."""
    business_services_email: str = ""
    cancel_reason: str = ""
    reminder_minutes: tuple[int, ...] = ()
    previous_expert: Person | None = None
    """On REASSIGNED: the expert who had the booking, told it is no longer theirs."""
    feedback_url: str = ""
    """On a feedback request: the customer's one-time link to the feedback form."""
    link: str = ""
    """On DATA_REQUEST: the customer's one-time link to their data, sealed
    (`luukku.sealing`); the worker opens it to write the mail."""
    manage_url: str = ""
    """The customer's manage page (cancel, reschedule; no sign-in): in every customer message."""

    def to_json(self) -> str:
        # msgspec's conversion instead of dataclasses.asdict, which deep-copies every value;
        # the times written as before (`+00:00`, not `Z`).
        data = msgspec.to_builtins(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BookingSnapshot:
        data: dict[str, Any] = json.loads(text)
        previous = data.pop("previous_expert")
        return cls(
            **{
                **data,
                "start": datetime.fromisoformat(data["start"]),
                "end": datetime.fromisoformat(data["end"]),
                "customer": Person(**data["customer"]),
                "expert": Person(**data["expert"]),
                "previous_expert": Person(**previous) if previous else None,
                "reminder_minutes": tuple(data["reminder_minutes"]),
            }
        )


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    key: str
    kind: Kind
    recipient: Person
    due_at: datetime
    copy_to: str = ""


def message_key(kind: Kind, booking: BookingSnapshot, recipient: str, *rest: object) -> str:
    """The idempotency key: kind, reference, SEQUENCE, whom for (`customer`, `expert`,
    `expert-<id>`), and what else tells messages apart (a reminder's offset)."""
    return ":".join(
        str(part) for part in (kind, booking.reference, booking.sequence, recipient, *rest)
    )


def timed_messages(booking: BookingSnapshot, now: datetime) -> list[PlannedMessage]:
    """Reminders still ahead; an offset already reached is skipped. (The feedback request
    waits until staff mark the appointment completed: `feedback_request`.)"""
    return [
        PlannedMessage(
            message_key(Kind.REMINDER, booking, "customer", minutes),
            Kind.REMINDER,
            booking.customer,
            booking.start - timedelta(minutes=minutes),
        )
        for minutes in sorted(set(booking.reminder_minutes), reverse=True)
        # One due at the change itself would arrive with the confirmation: skipped too.
        if booking.start - timedelta(minutes=minutes) > now
    ]


def feedback_request(booking: BookingSnapshot, marked_at: datetime) -> PlannedMessage:
    """The customer's feedback request once the appointment is marked completed (at
    `marked_at`): an hour after the end, or at once when marked later. Marking again after
    a change of mind plans a new message, so the key names the marking."""
    return PlannedMessage(
        message_key(Kind.FEEDBACK_REQUEST, booking, "customer", int(marked_at.timestamp())),
        Kind.FEEDBACK_REQUEST,
        booking.customer,
        max(booking.end + FEEDBACK_AFTER_END, marked_at),
    )


async def drop_feedback_request(reference: str, reason: str) -> None:
    """Inside a change's transaction: the pending feedback request is no longer wanted."""
    await OutboxMessage.update(
        {OutboxMessage.status: "dropped", OutboxMessage.last_error: reason}
    ).where(
        (OutboxMessage.booking_reference == reference)
        & (OutboxMessage.kind == str(Kind.FEEDBACK_REQUEST))
        & OutboxMessage.status.is_in(["pending", "sending"])
    )


def plan_messages(change: Change, booking: BookingSnapshot, now: datetime) -> list[PlannedMessage]:
    """The messages `change` causes. Pure: the same change always plans the same keys."""

    def now_to(kind: Kind, who: str, person: Person, copy_to: str = "") -> PlannedMessage:
        return PlannedMessage(message_key(kind, booking, who), kind, person, now, copy_to)

    customer, expert = booking.customer, booking.expert
    # Every message to staff carries the business-services copy (set for companies only).
    copy = booking.business_services_email
    if change is Change.CANCELLED:
        return [
            now_to(Kind.CANCELLATION, "customer", customer),
            now_to(Kind.CANCELLATION, "expert", expert, copy),
        ]
    if change is Change.CREATED:
        immediate = [
            now_to(Kind.CONFIRMATION, "customer", customer),
            now_to(Kind.NEW_BOOKING, "expert", expert, copy),
        ]
    elif change is Change.RESCHEDULED:
        immediate = [
            now_to(Kind.RESCHEDULE, "customer", customer),
            now_to(Kind.RESCHEDULE, "expert", expert, copy),
        ]
    else:
        immediate = [
            now_to(Kind.RESCHEDULE, "customer", customer),
            now_to(Kind.NEW_BOOKING, "expert", expert, copy),
        ]
        if booking.previous_expert is not None:
            immediate.append(
                now_to(Kind.CANCELLATION, "previous-expert", booking.previous_expert, copy)
            )
    return immediate + timed_messages(booking, now)


async def _drop_timed(reference: str, reason: str) -> None:
    await OutboxMessage.update(
        {OutboxMessage.status: "dropped", OutboxMessage.last_error: reason}
    ).where(
        (OutboxMessage.booking_reference == reference)
        & OutboxMessage.kind.is_in([str(kind) for kind in TIMED_KINDS])
        & OutboxMessage.status.is_in(["pending", "sending"])
    )


async def record_change(
    change: Change,
    booking: BookingSnapshot,
    now: datetime,
    audiences: Mapping[str, BookingSnapshot] | None = None,
) -> int:
    """Inside the change's write transaction: drop what the change voids, add what it causes.

    `audiences` tells how the booking reads to each (`expert`, `previous-expert`) where that
    differs from `booking`, the customer's view (their own meeting link). Answers the number of
    messages added (0 when this change was recorded before).
    """
    planned = plan_messages(change, booking, now)
    views = audiences or {}
    return await record_planned(
        booking.reference,
        [(message, views.get(audience(message.key), booking)) for message in planned],
        now,
        voids=None if change is Change.CREATED else f"booking {change}",
    )


def audience(key: str) -> str:
    """Whom a message is for, from its key: `customer`, `expert`, `expert-<id>`, …"""
    return key.split(":")[3]


def _add_messages(
    keys: Sequence[Any],
    kinds: Sequence[Any],
    recipients: Sequence[Any],
    names: Sequence[Any],
    copies: Sequence[Any],
    languages: Sequence[Any],
    due: Sequence[Any],
    payloads: Sequence[Any],
    reference: Any,
    now: Any,
) -> Insert[OutboxMessage]:
    rows = [
        OutboxMessage(
            idempotency_key=key,
            kind=kind,
            booking_reference=reference,
            recipient=recipient,
            recipient_name=name,
            copy_to=copy_to,
            language=language,
            due_at=due_at,
            status="pending",
            created_at=now,
            payload=payload,
        )
        for key, kind, recipient, name, copy_to, language, due_at, payload in zip(
            keys, kinds, recipients, names, copies, languages, due, payloads, strict=True
        )
    ]
    return (
        OutboxMessage.insert(*rows)
        .on_conflict(target=OutboxMessage.idempotency_key, action="DO NOTHING")
        .returning(OutboxMessage.id)
    )


# Compiled once per number of messages (luukku/compiled_queries.py): every booking change.
_ADD_MESSAGES = CompiledQuery(OutboxMessage, _add_messages)


async def record_planned(
    reference: str,
    planned: Sequence[tuple[PlannedMessage, BookingSnapshot]],
    now: datetime,
    *,
    voids: str | None,
) -> int:
    """Inside a change's write transaction: when the change `voids` (why) the reference's
    pending reminders and feedback request, drop them; then add the planned messages not
    recorded before, each with the snapshot it describes. Answers the number added."""
    if voids is not None:
        await _drop_timed(reference, voids)
    # A change's messages share a few snapshots (one per audience): each encoded once.
    payloads: dict[int, str] = {}
    for _, snapshot in planned:
        if id(snapshot) not in payloads:
            payloads[id(snapshot)] = snapshot.to_json()
    if not planned:
        return 0
    messages = [message for message, _ in planned]
    # One statement for all of a change's messages; a key recorded before is skipped.
    added = await _ADD_MESSAGES(
        [message.key for message in messages],
        [str(message.kind) for message in messages],
        [message.recipient.email for message in messages],
        [message.recipient.name for message in messages],
        [message.copy_to for message in messages],
        [message.recipient.language for message in messages],
        [message.due_at for message in messages],
        [payloads[id(snapshot)] for _, snapshot in planned],
        reference,
        now,
    )
    return len(added)


@dataclass(frozen=True, slots=True)
class DeliveryProblem:
    """A message to a booking's participant that could not be delivered, for staff."""

    kind: str
    recipient: str
    status: str
    attempts: int
    error: str
    due_at: datetime


async def delivery_problems(references: Sequence[str]) -> dict[str, list[DeliveryProblem]]:
    """Failed messages of each booking (by reference), oldest first."""
    if not references:
        return {}
    rows = (
        await OutboxMessage.select(
            OutboxMessage.booking_reference,
            OutboxMessage.kind,
            OutboxMessage.recipient,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.due_at,
        )
        .where(
            OutboxMessage.booking_reference.is_in(list(references))
            & (OutboxMessage.status == "failed")
        )
        .order_by(OutboxMessage.id)
    )
    problems: dict[str, list[DeliveryProblem]] = {}
    for row in rows:
        problems.setdefault(row["booking_reference"], []).append(
            DeliveryProblem(
                kind=row["kind"],
                recipient=row["recipient"],
                status=row["status"],
                attempts=row["attempts"],
                error=row["last_error"],
                due_at=row["due_at"],
            )
        )
    return problems


async def record_data_request(
    email: str, language: str, sealed_link: str, key: str, now: datetime
) -> None:
    """The message carrying a customer's one-time data link, sealed so the outbox holds no
    working link (`key` tells requests apart)."""
    luukku = {"fi": "Luukku", "sv": "Luukku", "en": "Luukku"}
    snapshot = BookingSnapshot(
        reference="",
        sequence=0,
        status="",
        start=now,
        end=now,
        channel="",
        video_url="",
        location="",
        service_name=luukku,
        agency_name=luukku,
        customer=Person(name="", email=email, language=language),
        expert=Person(name="", email="", language=language),
        link=sealed_link,
    )
    await OutboxMessage.insert(
        OutboxMessage(
            idempotency_key=f"{Kind.DATA_REQUEST}:{key}",
            kind=Kind.DATA_REQUEST,
            booking_reference="",
            recipient=email,
            recipient_name="",
            language=language,
            due_at=now,
            status="pending",
            created_at=now,
            payload=snapshot.to_json(),
        )
    )
