"""What the notification domain forgets: recipients and contents of old messages
(registered with the retention job in app.py)."""

from __future__ import annotations

from notifications.tables import OutboxMessage
from security.anonymisers import Anonymiser

NOTIFICATION_ANONYMISERS = (
    Anonymiser(
        name="messages",
        table=OutboxMessage,
        ended_at=OutboxMessage.due_at,
        email=OutboxMessage.recipient,
        personal={"recipient": "", "recipient_name": "", "copy_to": "", "payload": "{}"},
        exported=(
            OutboxMessage.kind,
            OutboxMessage.booking_reference,
            OutboxMessage.due_at,
            OutboxMessage.status,
        ),
    ),
)
