"""Tables of the notifications domain: the outbox of messages to send."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxMessage(Table, tablename="notification_outbox"):
    """One message to send, written in the same transaction as the change that causes it.

    `status`: `pending` (waiting for `due_at`), `sending` (claimed by a worker until
    `claimed_until`), `sent`, `failed` (permanent failure or too many attempts, shown to staff)
    or `dropped` (no longer wanted: the booking changed or its appointment began).
    """

    id: Serial  # added by Piccolo; declared for the type checker

    idempotency_key = Varchar(length=200, unique=True)
    """Names the message for its whole life; its Message-ID is derived from it."""
    kind = Varchar(length=32)
    booking_reference = Varchar(length=16, index=True)
    recipient = Varchar(length=254)
    recipient_name = Varchar(length=200, default="")
    copy_to = Varchar(length=254, default="")
    """A Cc address (the agency's business services on a new-booking notice), or empty."""
    language = Varchar(length=8)
    due_at = Timestamptz(index=True)
    status = Varchar(length=16, default="pending", index=True)
    attempts = Integer(default=0)
    last_error = Varchar(length=500, default="")
    claimed_until = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    payload = Text(default="{}")
    """The booking as it was at the change (JSON), so the message says what was true then."""


TABLES: tuple[type[Table], ...] = (OutboxMessage,)
