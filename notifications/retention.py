"""What the notification domain forgets: recipients and contents of old messages
(registered with the retention job in app.py)."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.string import Lower

from notifications.outbox import Kind
from notifications.tables import OutboxMessage
from security.anonymisers import Anonymiser


def _sent_to(email: str) -> list[Any]:
    return [Lower(OutboxMessage.recipient) == email]


def _data_link_to(email: str) -> list[Any]:
    return [*_sent_to(email), OutboxMessage.kind == str(Kind.DATA_REQUEST)]


NOTIFICATION_ANONYMISERS = (
    # Found by the matter a message is about, never by its recipient alone: an expert's
    # address receives notices about many customers, none of which are the expert's data.
    Anonymiser(
        name="messages",
        table=OutboxMessage,
        ended_at=OutboxMessage.due_at,
        email=None,
        about=OutboxMessage.booking_reference,
        owned=_data_link_to,
        exported_if=_sent_to,
        personal={"recipient": "", "recipient_name": "", "copy_to": "", "payload": "{}"},
        exported=(
            OutboxMessage.kind,
            OutboxMessage.booking_reference,
            OutboxMessage.due_at,
            OutboxMessage.status,
        ),
    ),
)
