"""The append-only audit log: who looked at or changed which customer's data, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from security.tables import AuditEntry

ACTIONS = ("view", "change", "export", "erase", "anonymise", "sign-in-refused")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


def staff_actor(member: Any) -> str:
    """The audit name of a signed-in staff member (`staff:<id>`)."""
    return f"staff:{member.id}"


async def record(actor: str, action: str, subject: str, detail: str = "") -> None:
    """Appends one entry; there is no way to change or remove it afterwards."""
    assert action in ACTIONS, action
    await AuditEntry.insert(
        AuditEntry(actor=actor[:100], action=action, subject=subject[:100], detail=detail[:2000])
    )


async def latest(limit: int = 100, before_id: int | None = None) -> list[AuditRecord]:
    """Newest first; `before_id` pages further back."""
    query = AuditEntry.select().order_by(AuditEntry.id, ascending=False).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [
        AuditRecord(
            id=row["id"],
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            subject=row["subject"],
            detail=row["detail"],
        )
        for row in await query
    ]
