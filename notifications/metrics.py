"""Gauges of the outbox for /metrics (luukku/metrics.py): backlog, oldest unsent, failures.

Counts and ages only: no recipient, subject or booking reference leaves this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from luukku.metrics import Reading
from notifications.tables import OutboxMessage


def _instant(value: object) -> datetime | None:
    """SQLite answers an aggregate over a TIMESTAMPTZ column as text."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def outbox_readings(now: datetime) -> Sequence[Reading]:
    """One statement: messages due and unsent, the oldest one's age, deliveries given up."""
    rows = await OutboxMessage.raw(
        "SELECT "
        "SUM(CASE WHEN status IN ('pending', 'sending') AND due_at <= {} THEN 1 ELSE 0 END) "
        "AS backlog, "
        "MIN(CASE WHEN status IN ('pending', 'sending') AND due_at <= {} THEN due_at END) "
        "AS oldest, "
        "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed "
        "FROM notification_outbox",
        now,
        now,
    )
    row = rows[0] if rows else {}
    oldest = _instant(row.get("oldest"))
    return [
        Reading(
            "outbox_backlog",
            "Messages due and not yet sent.",
            float(row.get("backlog") or 0),
        ),
        Reading(
            "outbox_oldest_unsent_age_seconds",
            "Seconds since the oldest unsent message fell due (0 when none waits).",
            max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        ),
        Reading(
            "outbox_failed_deliveries",
            "Messages whose delivery was given up after every attempt.",
            float(row.get("failed") or 0),
        ),
    ]
