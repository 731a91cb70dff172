"""The audit log as a page for administrators: who looked at or changed customers' data,
with people by name and actions, subjects and details in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from litestar.security.jwt import Token

from calendars.experts import expert_contacts
from frontend.templating import page
from luukku.database import OptionalRowId
from privacy.audit_log import AuditRecord, audit_entries
from staff.accounts import StaffMember, staff_names
from staff.auth import requires_role

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry as the page shows it: `who`/`what` are names or codes the template
    translates (`staff`, `customer`, `system`; `booking`, `expert`, ...)."""

    at: datetime
    who_kind: str
    who: str
    action: str
    what_kind: str
    what: str
    detail: str


def _split(text: str) -> tuple[str, str]:
    """`kind:value` as (kind, value); a bare word (`customer`, `retention`) is a kind."""
    kind, _, rest = text.partition(":")
    return kind, rest


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


async def readable(entries: list[AuditRecord]) -> list[AuditRow]:
    """The entries with staff and experts named (two queries for the whole page)."""
    actors = [_split(e.actor) for e in entries]
    subjects = [_split(e.subject) for e in entries]
    people = await staff_names(_ids([v for k, v in actors if k == "staff"]))
    ids = _ids([v for k, v in subjects if k == "expert"])
    experts = {i: expert.name for i, expert in (await expert_contacts(ids)).items()}
    rows = []
    for entry, (who_kind, who), (what_kind, what) in zip(entries, actors, subjects, strict=True):
        if who_kind == "staff" and who.isdigit():
            who = people.get(int(who), who)
        if what_kind == "expert" and what.isdigit():
            what = experts.get(int(what), what)
        rows.append(AuditRow(entry.at, who_kind, who, entry.action, what_kind, what, entry.detail))
    return rows


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
            request,
            "staff/audit_log.html",
            member=request.user,
            entries=await readable(entries),
            older=older,
        )
