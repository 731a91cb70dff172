"""Reading the audit log: the administrators' view of who looked at or changed which
customer's data (entries are written only by the use cases themselves, never by pages)."""

from __future__ import annotations

from security import audit
from security.audit import AuditRecord


async def audit_entries(limit: int, before_id: int | None = None) -> list[AuditRecord]:
    """The newest `limit` entries, or those before `before_id`, newest first."""
    return await audit.latest(limit, before_id)
