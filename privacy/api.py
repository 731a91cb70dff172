"""Routes of the security domain: the audit log for administrators, and customers' requests
for their own data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from luukku.clock import Clock
from luukku.database import OptionalRowId
from luukku.problems import NotAuthenticated
from luukku.settings import Settings
from luukku.wire import NO_NUL
from privacy.audit_log import audit_entries
from privacy.data_requests import erase_data, export_data, request_link
from security.rate_limits import rate_limited
from staff.auth import requires_role


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
        before: OptionalRowId = None,
    ) -> list[AuditEntryOut]:
        return [
            AuditEntryOut(
                id=e.id, at=e.at, actor=e.actor, action=e.action, subject=e.subject, detail=e.detail
            )
            for e in await audit_entries(limit, before)
        ]


class DataRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=NO_NUL)]
    language: Annotated[str, msgspec.Meta(max_length=8)] = "fi"


class DataRequestAccepted(msgspec.Struct):
    detail: str


class DataExportOut(msgspec.Struct):
    email: str
    requested_at: datetime
    data: dict[str, list[dict[str, object]]]


class ErasedOut(msgspec.Struct):
    anonymised: dict[str, int]


def _link_token(request: Request[Any, Any, Any]) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Send the data link's token as `Authorization: Bearer <token>`.")
    return token.strip()


class DataRequestController(Controller):
    """A customer's own data: ask for a link by email, then export or erase with it."""

    path = "/api/v1/data-requests"
    tags = ("public",)  # type: ignore[assignment]
    opt = {"public": True}  # noqa: RUF012

    @post(
        "/",
        summary="Email me a one-time link to my data (the same answer whether or not any exists)",
        status_code=202,
        guards=[rate_limited("data-request")],
    )
    async def ask(
        self,
        data: JSONBody[DataRequestIn],
        state: State,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> DataRequestAccepted:
        await request_link(data.email, data.language, state["retention"], settings, clock.now())
        return DataRequestAccepted(
            detail="If Luukku holds data for this address, a link to it is on its way there."
        )

    @get(
        "/export",
        summary="Everything Luukku holds about the link's address",
        guards=[rate_limited("manage")],
        opt={"customer_token": True},
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        state: State,
        clock: NamedDependency[Clock],
    ) -> DataExportOut:
        export = await export_data(_link_token(request), state["retention"], clock.now())
        return DataExportOut(email=export.email, requested_at=export.requested_at, data=export.data)

    @post(
        "/erase",
        summary="Erase (anonymise) the link's address's data; spends the link",
        status_code=200,
        guards=[rate_limited("manage")],
        opt={"customer_token": True},
    )
    async def erase(
        self,
        request: Request[Any, Any, Any],
        state: State,
        clock: NamedDependency[Clock],
    ) -> ErasedOut:
        counts = await erase_data(_link_token(request), state["retention"], clock.now())
        return ErasedOut(anonymised=counts)
