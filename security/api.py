"""Routes of the security domain: the audit log for administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from luukku.auth import requires_role
from security import audit


class AuditEntryOut(msgspec.Struct):
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


class AuditLogController(Controller):
    """Read-only on purpose: the log has no route that changes or removes an entry."""

    path = "/api/v1/admin/audit-log"
    tags = ("admin",)  # type: ignore[assignment]
    guards = [requires_role("admin")]  # noqa: RUF012

    @get("/", summary="The audit log, newest first (admin)")
    async def entries(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        before: FromQuery[int | None] = None,
    ) -> list[AuditEntryOut]:
        return [
            AuditEntryOut(
                id=e.id, at=e.at, actor=e.actor, action=e.action, subject=e.subject, detail=e.detail
            )
            for e in await audit.latest(limit, before)
        ]
