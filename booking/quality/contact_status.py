"""What the customer sees of their contact request: its public status (`received`,
`assigned`, `answered`, `converted`, `closed`), the history of its steps and the due time,
behind the status token of the receipt. Each step is written in its change's transaction."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.bookings.references import hash_token
from booking.quality.tables import ContactEvent, ContactRequest
from luukku.problems import NotFound

STATUSES = ("received", "assigned", "answered", "converted", "closed")


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    event: str
    by: str


@dataclass(frozen=True, slots=True)
class ContactStatus:
    reference: str
    status: str
    due_at: datetime
    topic: str
    agency_id: int
    history: tuple[Step, ...]


def new_status_token() -> tuple[str, str]:
    """A fresh status token and the hash that is stored of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def status_url(base_url: str, reference: str, token: str) -> str:
    return f"{base_url}/contact/status/{reference}?token={token}"


def public_status(row: dict[str, Any]) -> str:
    """The request's state as its customer reads it."""
    if row["status"] == "open":
        return "assigned" if row["expert"] is not None else "received"
    return str(row["status"])


async def record_step(request_id: int, event: str, by: str, at: datetime) -> None:
    """Inside the change's write transaction: one step the customer will see."""
    await ContactEvent.insert(ContactEvent(contact_request=request_id, at=at, event=event, by=by))


_NOT_FOUND = "No such contact request, or the link is not valid."


async def follow(reference: str, token: str) -> ContactStatus:
    """The request behind `reference` for the holder of its status token; a wrong or missing
    token is answered exactly as an unknown reference."""
    reference = reference.strip().upper()
    if not token or len(reference) > 16 or "\x00" in reference:
        raise NotFound(_NOT_FOUND)
    row = await ContactRequest.select().where(ContactRequest.reference == reference).first()
    stored = row["status_token_hash"] if row else ""
    if row is None or not stored or not hmac.compare_digest(stored, hash_token(token)):
        raise NotFound(_NOT_FOUND)
    steps = (
        await ContactEvent.select(ContactEvent.at, ContactEvent.event, ContactEvent.by)
        .where(ContactEvent.contact_request == row["id"])
        .order_by(ContactEvent.at)
        .order_by(ContactEvent.id)
    )
    return ContactStatus(
        reference=row["reference"],
        status=public_status(row),
        due_at=row["due_at"],
        topic=row["topic"],
        agency_id=row["agency"],
        history=tuple(Step(at=s["at"], event=s["event"], by=s["by"]) for s in steps),
    )
