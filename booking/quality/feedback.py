"""Appointment outcomes and customer feedback.

Staff mark an appointment `completed` or `no_show` once it has begun. A completed one gets a
feedback request through the outbox: a one-time link to a short form with the two city-wide
questions (1–5) and an optional comment. One answer per booking; the link stops working
30 days after the request goes out.

The link's token is derived, not stored: `HMAC-SHA256(signing key, reference)`, so the
database holds nothing that opens a form, and the link survives a key rotation while the old
key is in PREVIOUS_SECRET_KEYS. It opens nothing but this booking's form, and only once.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from booking.bookings.lifecycle import BookingView, _reference, get_view_by_reference
from booking.bookings.locking import booking_transaction, lock_booking
from booking.bookings.notices import customer_snapshot
from booking.catalogue.services import get_service_by_id
from booking.quality.tables import Feedback
from booking.tables import Booking
from luukku.problems import Conflict, FieldError, Gone, InvalidInput, NotFound
from luukku.settings import Settings
from notifications.outbox import (
    FEEDBACK_AFTER_END,
    drop_feedback_request,
    feedback_request,
    record_planned,
)
from security import audit
from staff.accounts import StaffMember

OUTCOMES = ("completed", "no_show")
LINK_VALID_FOR = timedelta(days=30)
SCALE = range(1, 6)
MAX_COMMENT = 2000
_NO_LINK = "This feedback link is not valid."


def _derive(secret: str, reference: str) -> str:
    digest = hmac.new(
        secret.encode(), f"luukku-feedback:{reference}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feedback_url(settings: Settings, reference: str) -> str:
    """The customer's one-time link to the feedback form of `reference`."""
    return (
        f"{settings.public_base_url}/feedback/{reference}/"
        f"{_derive(settings.signing_secret(), reference)}"
    )


def _token_matches(settings: Settings, reference: str, token: str) -> bool:
    keys = (settings.signing_secret(), *settings.previous_secret_keys)
    # Every key is tried, so the time taken does not tell which one matched.
    matches = [hmac.compare_digest(_derive(key, reference), token) for key in keys]
    return any(matches)


def link_expires(row: dict[str, Any]) -> datetime:
    """When the request went (or goes) out, plus 30 days."""
    sent: datetime = max(row["ends_at"] + FEEDBACK_AFTER_END, row["outcome_at"] or row["ends_at"])
    return sent + LINK_VALID_FOR


async def _managed_row(member: StaffMember, reference: str) -> dict[str, Any]:
    """The booking when `member` is its expert or an admin of its agency; 404 otherwise."""
    row = (
        await Booking.select(*Booking.all_columns(), Booking.service.agency.as_alias("agency"))
        .where(Booking.reference == _reference(reference))
        .first()
    )
    allowed = row is not None and (
        row["expert"] == member.expert_id
        or member.has_role("admin")
        or (member.has_role("agency_admin") and member.agency_id == row["agency"])
    )
    if row is None or not allowed:
        raise NotFound("No such booking of yours.")
    return row


async def set_outcome(
    member: StaffMember, reference: str, outcome: str, settings: Settings, now: datetime
) -> BookingView:
    """Mark the appointment completed or a no-show; a completed one gets its feedback request
    (once), a changed mind drops a request not yet sent."""
    if outcome not in OUTCOMES:
        raise InvalidInput.field("outcome", "use completed or no_show")
    managed = await _managed_row(member, reference)
    async with booking_transaction():
        # Decided on the row as it is under the lock: a cancel may have come in between.
        row = {**managed, **(await lock_booking(managed["reference"]) or {})}
        if row["status"] != "confirmed":
            raise Conflict("A cancelled appointment has no outcome.")
        if row["starts_at"] > now:
            raise InvalidInput.field("outcome", "can be marked once the appointment has begun")
        if row["outcome"] == outcome:
            return await get_view_by_reference(row["reference"])
        if await Feedback.exists().where(Feedback.booking == row["id"]):
            raise Conflict("The customer has already given feedback on this appointment.")
        await Booking.update(
            {Booking.outcome: outcome, Booking.outcome_at: now}, use_auto_update=False
        ).where(Booking.id == row["id"])
        if outcome == "completed":
            service = await get_service_by_id(row["service"])
            snapshot, _ = await customer_snapshot(row, service, settings)
            snapshot = dataclasses.replace(
                snapshot, feedback_url=feedback_url(settings, row["reference"])
            )
            message = feedback_request(snapshot, now)
            await record_planned(row["reference"], [(message, snapshot)], now, voids=None)
        else:
            await drop_feedback_request(row["reference"], "marked as a no-show")
        await audit.record(
            audit.staff_actor(member), "change", f"booking:{row['reference']}", f"outcome {outcome}"
        )
    return await get_view_by_reference(row["reference"])


@dataclass(frozen=True, slots=True)
class FeedbackInvitation:
    """What the form shows: which appointment, until when, and whether it is answered."""

    reference: str
    service_id: int
    start: datetime
    language: str
    expires_at: datetime
    answered: bool


async def invitation(
    settings: Settings, reference: str, token: str, now: datetime
) -> FeedbackInvitation:
    """The form's appointment; 404 for a wrong link, 410 once expired or answered."""
    row = await Booking.select().where(Booking.reference == reference.strip().upper()).first()
    if row is None or not _token_matches(settings, row["reference"], token):
        raise NotFound(_NO_LINK)
    if row["outcome"] != "completed" or row["status"] != "confirmed":
        raise NotFound(_NO_LINK)
    expires = link_expires(row)
    if now > expires:
        raise Gone("This feedback link has expired.")
    answered = await Feedback.exists().where(Feedback.booking == row["id"])
    return FeedbackInvitation(
        reference=row["reference"],
        service_id=row["service"],
        start=row["starts_at"],
        language=row["customer_language"] or row["language"],
        expires_at=expires,
        answered=answered,
    )


def check_answers(needs_met: int | None, communication: int | None, comment: str) -> None:
    errors = [
        FieldError(name, "choose 1 (poor) to 5 (excellent)")
        for name, value in (("needs_met", needs_met), ("communication", communication))
        if value not in SCALE
    ]
    if len(comment) > MAX_COMMENT:
        errors.append(FieldError("comment", f"at most {MAX_COMMENT} characters"))
    if errors:
        raise InvalidInput("The feedback has invalid answers.", errors)


async def answer(
    settings: Settings,
    reference: str,
    token: str,
    answers: tuple[int | None, int | None, str],
    now: datetime,
) -> None:
    """Record the customer's one answer; 409 when the booking has one already."""
    needs_met, communication, comment = answers
    check_answers(needs_met, communication, comment.strip())
    found = await invitation(settings, reference, token, now)
    if found.answered:
        raise Conflict("Feedback on this appointment has been given already. Thank you!")
    booking = await Booking.select(Booking.id).where(Booking.reference == found.reference).first()
    assert booking is not None
    # One answer per booking, decided by the unique booking column on both engines: the
    # second of two simultaneous answers inserts nothing and hears 409.
    inserted = (
        await Feedback.insert(
            Feedback(
                booking=booking["id"],
                needs_met=needs_met,
                communication=communication,
                comment=comment.strip(),
                answered_at=now,
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(Feedback.id)
    )
    if not inserted:
        raise Conflict("Feedback on this appointment has been given already. Thank you!")


QUESTIONS = {
    "fi": {
        "needs_met": "Palvelu vastasi tarpeisiini",
        "communication": "Palvelun viestintä oli riittävää ja ymmärrettävää",
    },
    "sv": {
        "needs_met": "Tjänsten motsvarade mina behov",
        "communication": "Kommunikationen var tillräcklig och begriplig",
    },
    "en": {
        "needs_met": "The service met my needs",
        "communication": "The communication was sufficient and understandable",
    },
}
"""The two city-wide satisfaction questions, answered on a scale of 1 to 5."""
