"""The sender: claims due outbox rows, sends them, records what happened.

Exactly once in normal operation: a row is claimed (`sending`, with a lease) in a short
transaction before anything is sent, and marked `sent` right after the server accepts it.
A worker sends over several SMTP connections side by side (lanes; one booking's messages keep
to one lane, in order); each lane waits for its message's mark before sending the next.
Several workers never claim the same row: PostgreSQL claims with `FOR UPDATE SKIP LOCKED`,
SQLite in an IMMEDIATE transaction (one writer at a time). A worker killed mid-batch leaves its
rows `sending`; when the lease runs out another worker takes them. Only the messages in flight
at the kill (one per lane at most) can go twice, and then with the same Message-ID.

Transient failures go back to `pending` with exponential backoff and jitter; an unreachable
server ends the run without counting attempts against the rest of the batch. Permanent
failures, and transient ones after `max_attempts`, are `failed` and shown to staff.
"""

from __future__ import annotations

import asyncio
import logging
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from luukku.database import write_transaction
from luukku.sealing import Sealer
from notifications.letters import LETTER_KINDS, Letter, compose_letter
from notifications.messages import Outgoing, Sender, UndeliverableAddress, compose
from notifications.outbox import BookingSnapshot, Kind, Person
from notifications.smtp import DeliveryFailure, Mailer
from notifications.tables import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=5)
"""A worker's lease on a claimed row; far longer than one batch takes to send."""
BATCH_SIZE = 100
SEND_EVERY = timedelta(seconds=5)
"""How often the worker looks for due messages."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 10
    jitter: Callable[[], float] = field(default=random.random)
    """A number in [0, 1): spreads retries so that failed messages do not return together."""

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt: doubling, capped, between half and
        all of it ("equal jitter")."""
        full: timedelta = min(self.first_delay * 2 ** max(attempts - 1, 0), self.longest_delay)
        return full * (0.5 + 0.5 * self.jitter())


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the sender needs: where mail goes, who it is from, when to try again."""

    mailers: tuple[Mailer, ...]
    """One per SMTP connection the worker keeps open; all messages about one booking take the
    same connection, so they arrive in the order they were written."""
    sender: Sender
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    batch_size: int = BATCH_SIZE
    links: Sealer | None = None
    """Opens the sealed link of a data-request message or a letter (a waitlist's links), sealed
    for `privacy.data_requests.LINK_SEAL`; without it such a message cannot be written and
    fails."""


def _due(now: datetime) -> Any:
    return ((OutboxMessage.status == "pending") & (OutboxMessage.due_at <= now)) | (
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now)
    )


async def claim(now: datetime, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` due rows, earliest first, now this worker's until `now + CLAIM_FOR`."""
    engine = OutboxMessage._meta.db
    async with write_transaction(engine):
        query = (
            OutboxMessage.select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if isinstance(engine, PostgresEngine):
            query = query.lock_rows("UPDATE", skip_locked=True)
        ids = [row["id"] for row in await query]
        if not ids:
            return []
        await OutboxMessage.update(
            {OutboxMessage.status: "sending", OutboxMessage.claimed_until: now + CLAIM_FOR}
        ).where(OutboxMessage.id.is_in(ids))
    rows = await OutboxMessage.select().where(OutboxMessage.id.is_in(ids))
    return sorted(rows, key=lambda row: (row["due_at"], row["id"]))


async def _finish(row_id: int, values: dict[Any, Any]) -> None:
    """Record a claimed row's outcome, unless a booking change dropped it meanwhile."""
    await OutboxMessage.update({**values, OutboxMessage.claimed_until: None}).where(
        (OutboxMessage.id == row_id) & (OutboxMessage.status == "sending")
    )


async def _failed(
    row: dict[str, Any], failure: DeliveryFailure, retry: RetryPolicy, now: datetime
) -> None:
    attempts = row["attempts"] + 1
    if failure.permanent or attempts >= retry.max_attempts:
        reason = (
            failure.reason
            if failure.permanent
            else f"gave up after {attempts} attempts: {failure.reason}"
        )
        logger.warning("message %s failed: %s", row["idempotency_key"], reason)
        await _finish(
            row["id"],
            {
                OutboxMessage.status: "failed",
                OutboxMessage.attempts: attempts,
                OutboxMessage.last_error: reason[:500],
            },
        )
        return
    await _finish(
        row["id"],
        {
            OutboxMessage.status: "pending",
            OutboxMessage.attempts: attempts,
            OutboxMessage.last_error: failure.reason[:500],
            OutboxMessage.due_at: now + retry.delay(attempts),
        },
    )


async def _release(rows: list[dict[str, Any]]) -> None:
    """Give claimed rows back untried (the server is down): due again at once next run."""
    if rows:
        await OutboxMessage.update(
            {OutboxMessage.status: "pending", OutboxMessage.claimed_until: None}
        ).where(
            OutboxMessage.id.is_in([row["id"] for row in rows])
            & (OutboxMessage.status == "sending")
        )


def _outgoing(row: dict[str, Any]) -> Outgoing:
    return Outgoing(
        key=row["idempotency_key"],
        kind=Kind(row["kind"]),
        recipient=Person(
            name=row["recipient_name"], email=row["recipient"], language=row["language"]
        ),
        copy_to=row["copy_to"],
        created_at=row["created_at"],
        booking=BookingSnapshot.from_json(row["payload"]),
    )


def _message(row: dict[str, Any], delivery: Delivery, now: datetime) -> EmailMessage:
    sender = delivery.sender
    if row["kind"] in LETTER_KINDS:
        recipient = Person(
            name=row["recipient_name"], email=row["recipient"], language=row["language"]
        )
        letter = Letter.from_json(row["payload"])
        if Sealer.is_sealed(letter.link):  # a waitlist offer's one-time link
            if delivery.links is None:
                raise ValueError("a sealed link, and no key to open it")
            letter = replace(letter, link=delivery.links.open(letter.link))
        return compose_letter(row["idempotency_key"], recipient, letter, sender, now)
    outgoing = _outgoing(row)
    if Sealer.is_sealed(outgoing.booking.link):
        if delivery.links is None:
            raise ValueError("a sealed data link, and no key to open it")
        link = delivery.links.open(outgoing.booking.link)
        outgoing = replace(outgoing, booking=replace(outgoing.booking, link=link))
    return compose(outgoing, sender, now)


class Outcome(StrEnum):
    SENT = "sent"
    SETTLED = "settled"
    """Dropped, failed or put back for a retry."""
    UNREACHABLE = "unreachable"
    """The server could not be reached: the run ends."""


class SentMarks:
    """Group commit of `sent` marks: the lanes' messages accepted while one UPDATE runs are
    marked together by the next. Each lane waits for its own mark before sending on, so at
    most one message per lane is ever accepted but not yet recorded."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.waiting: dict[int, asyncio.Future[None]] = {}
        self.writer: asyncio.Task[None] | None = None

    async def sent(self, row_id: int) -> None:
        done = asyncio.get_running_loop().create_future()
        self.waiting[row_id] = done
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, {}
            try:
                await OutboxMessage.update(
                    {
                        OutboxMessage.status: "sent",
                        OutboxMessage.sent_at: self.now,
                        OutboxMessage.attempts: OutboxMessage.attempts + 1,
                        OutboxMessage.last_error: "",
                        OutboxMessage.claimed_until: None,
                    }
                ).where(OutboxMessage.id.is_in(list(batch)) & (OutboxMessage.status == "sending"))
            except Exception as exc:  # each waiting lane sees the failure as its own
                for done in batch.values():
                    done.set_exception(exc)
            else:
                for done in batch.values():
                    done.set_result(None)


async def _send_one(
    row: dict[str, Any], mailer: Mailer, marks: SentMarks, delivery: Delivery, now: datetime
) -> Outcome:
    """Send one claimed row and record the outcome."""
    if row["kind"] not in LETTER_KINDS:
        outgoing = _outgoing(row)
        if outgoing.kind is Kind.REMINDER and outgoing.booking.start <= now:
            # Back from downtime after the appointment began: a reminder would only confuse.
            await _finish(
                row["id"],
                {
                    OutboxMessage.status: "dropped",
                    OutboxMessage.last_error: "appointment already started",
                },
            )
            return Outcome.SETTLED
        if outgoing.kind is Kind.FEEDBACK_REQUEST and not outgoing.booking.feedback_url:
            # Planned at booking time by an earlier version: only completed appointments
            # get a request now, with a link of their own.
            await _finish(
                row["id"],
                {OutboxMessage.status: "dropped", OutboxMessage.last_error: "no feedback link"},
            )
            return Outcome.SETTLED
    try:
        message = _message(row, delivery, now)
    except UndeliverableAddress as exc:
        await _failed(row, DeliveryFailure(str(exc), permanent=True), delivery.retry, now)
        return Outcome.SETTLED
    except Exception as exc:  # a message that cannot be built must not hold up the others
        logger.exception("message %s cannot be built", row["idempotency_key"])
        failure = DeliveryFailure(f"cannot build the message: {exc!r}", permanent=True)
        await _failed(row, failure, delivery.retry, now)
        return Outcome.SETTLED
    try:
        await mailer.send(message)
    except DeliveryFailure as failure:
        await _failed(row, failure, delivery.retry, now)
        return Outcome.UNREACHABLE if failure.connection else Outcome.SETTLED
    await marks.sent(row["id"])
    return Outcome.SENT


def _lanes(rows: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    """The batch split by connection: a booking's messages stay in one lane, in due order."""
    lanes: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for row in rows:
        lanes[zlib.crc32(row["booking_reference"].encode()) % count].append(row)
    return lanes


async def _send_lane(
    rows: list[dict[str, Any]],
    mailer: Mailer,
    marks: SentMarks,
    delivery: Delivery,
    now: datetime,
    unreachable: asyncio.Event,
) -> int:
    sent = 0
    for index, row in enumerate(rows):
        if unreachable.is_set():
            await _release(rows[index:])
            break
        outcome = await _send_one(row, mailer, marks, delivery, now)
        if outcome is Outcome.UNREACHABLE:
            unreachable.set()
            await _release(rows[index + 1 :])
            break
        sent += outcome is Outcome.SENT
    return sent


async def send_due(delivery: Delivery, now: datetime) -> int:
    """The periodic job: send every message due at `now`, batch after batch, until none is
    left or the server cannot be reached. The number of messages the server accepted."""
    sent = 0
    unreachable = asyncio.Event()
    marks = SentMarks(now)
    try:
        while not unreachable.is_set() and (rows := await claim(now, delivery.batch_size)):
            lanes = _lanes(rows, len(delivery.mailers))
            counts = await asyncio.gather(
                *(
                    _send_lane(lane, mailer, marks, delivery, now, unreachable)
                    for lane, mailer in zip(lanes, delivery.mailers, strict=True)
                    if lane
                )
            )
            sent += sum(counts)
        return sent
    finally:
        # An idle connection would be dropped by the server before the next run.
        for mailer in delivery.mailers:
            await mailer.close()
