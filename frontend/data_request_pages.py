"""A customer's own data as pages: ask for the emailed link, read what is held (and until
when), download it as JSON, erase it after confirming."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from frontend.templating import page
from luukku.clock import Clock
from luukku.problems import InvalidInput, NotFound
from luukku.settings import Settings
from privacy.data_requests import DataExport, erase_data, export_data, request_link
from privacy.retention import Retention
from security.rate_limits import rate_limited

Visitor = Request[Any, Any, Any]
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
SECTIONS = ("bookings", "joint_sessions", "contact_requests", "messages")
"""The export's parts shown on the page, in this order (the others are in the download)."""
_ENDS = {
    "bookings": "ends_at",
    "joint_sessions": "ends_at",
    "contact_requests": "created_at",
    "messages": "due_at",
}
"""From which instant each part's retention counts."""


def _moment(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def readable(export: DataExport, retention: Retention) -> list[tuple[str, list[dict[str, Any]]]]:
    """The export's rows per part, times as datetimes and each row's `kept_until`."""
    parts = []
    for name in SECTIONS:
        rows = []
        for row in export.data.get(name, []):
            shown = {key: _moment(value) for key, value in row.items()}
            ended = shown.get(_ENDS[name])
            if isinstance(ended, datetime):
                shown["kept_until"] = retention.kept_until(ended)
            rows.append(shown)
        parts.append((name, rows))
    return parts


class DataRequestPages(Controller):
    path = "/my-data"
    include_in_schema = False

    async def _export(self, state: State, clock: Clock, token: str | None) -> DataExport | None:
        if not token:
            return None
        try:
            return await export_data(token[:100], state["retention"], clock.now())
        except NotFound:
            return None

    @get("/", name="my-data")
    async def show(
        self,
        request: Visitor,
        state: State,
        clock: NamedDependency[Clock],
        token: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        export = await self._export(state, clock, token)
        if export is None:
            return page(request, "my_data.html", done=done, export=None, invalid=bool(token))
        return page(
            request,
            "my_data.html",
            headers=NO_REFERRER,
            done=None,
            export=export,
            parts=readable(export, state["retention"]),
            months=state["retention"].months,
            token=token,
            invalid=False,
        )

    @get("/export.json", name="my-data-download")
    async def download(
        self, state: State, clock: NamedDependency[Clock], token: FromQuery[str]
    ) -> Response[bytes]:
        export = await self._export(state, clock, token)
        if export is None:
            raise NotFound("The link is unknown, used or expired; ask for a new one.")
        body = json.dumps(export.data, ensure_ascii=False, indent=2, default=str)
        return Response(
            body.encode(),
            media_type="application/json",
            headers={
                **NO_REFERRER,
                "Content-Disposition": 'attachment; filename="luukku-my-data.json"',
            },
        )

    @get("/erase", name="erase-my-data-confirm")
    async def erase_confirm(
        self, request: Visitor, state: State, clock: NamedDependency[Clock], token: FromQuery[str]
    ) -> Template:
        export = await self._export(state, clock, token)
        if export is None:
            return page(request, "my_data.html", done=None, export=None, invalid=True)
        counts = {name: len(rows) for name, rows in readable(export, state["retention"])}
        return page(request, "my_data_erase.html", headers=NO_REFERRER, token=token, counts=counts)

    @post("/", name="ask-my-data", guards=[rate_limited("data-request")])
    async def ask(
        self,
        request: Visitor,
        state: State,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Redirect | Template:
        form = await request.form()
        email = str(form.get("email", ""))[:254]
        language = str(form.get("lang", "fi"))[:8]
        try:
            await request_link(email, language, state["retention"], settings, clock.now())
        except InvalidInput:
            return page(
                request,
                "my_data.html",
                done=None,
                export=None,
                invalid=False,
                email_error=True,
                status_code=400,
            )
        return Redirect("/my-data?done=sent", status_code=303)

    @post("/erase", name="erase-my-data", guards=[rate_limited("manage")])
    async def erase(
        self, request: Visitor, state: State, clock: NamedDependency[Clock]
    ) -> Redirect | Template:
        form = await request.form()
        if form.get("confirm") != "yes":
            token = str(form.get("token", ""))[:100]
            return Redirect(f"/my-data/erase?token={token}", status_code=303)
        try:
            await erase_data(str(form.get("token", ""))[:100], state["retention"], clock.now())
        except NotFound:
            return page(request, "my_data.html", done=None, export=None, invalid=True)
        return Redirect("/my-data?done=erased", status_code=303)
