"""The audit log as a page for administrators: who looked at or changed customers' data."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from litestar.security.jwt import Token

from frontend.templating import page
from luukku.database import OptionalRowId
from privacy.audit_log import audit_entries
from staff.accounts import StaffMember
from staff.auth import requires_role

PAGE_SIZE = 100


class AuditLogPages(Controller):
    path = "/staff/admin/audit-log"
    include_in_schema = False
    guards = [requires_role("admin")]  # noqa: RUF012

    @get("/", name="audit-log")
    async def entries(
        self, request: Request[StaffMember, Token, Any], before: OptionalRowId = None
    ) -> Template:
        entries = await audit_entries(PAGE_SIZE, before)
        older = entries[-1].id if len(entries) == PAGE_SIZE else None
        return page(
            request, "staff/audit_log.html", member=request.user, entries=entries, older=older
        )
