"""A customer's own data as pages: ask for the emailed link, see the export, erase it."""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from frontend.templating import page
from luukku.clock import Clock
from luukku.problems import InvalidInput, NotFound
from luukku.settings import Settings
from privacy.data_requests import erase_data, export_data, request_link
from security.rate_limits import rate_limited

Visitor = Request[Any, Any, Any]


class DataRequestPages(Controller):
    path = "/my-data"
    include_in_schema = False

    @get("/", name="my-data")
    async def show(
        self,
        request: Visitor,
        state: State,
        clock: NamedDependency[Clock],
        token: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        if not token:
            return page(request, "my_data.html", done=done, export=None, invalid=False)
        try:
            export = await export_data(token[:100], state["retention"], clock.now())
        except NotFound:
            return page(request, "my_data.html", done=None, export=None, invalid=True)
        shown = json.dumps(export.data, ensure_ascii=False, indent=2, default=str)
        return page(request, "my_data.html", done=None, export=shown, token=token, invalid=False)

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
        try:
            await erase_data(str(form.get("token", ""))[:100], state["retention"], clock.now())
        except NotFound:
            return page(request, "my_data.html", done=None, export=None, invalid=True)
        return Redirect("/my-data?done=erased", status_code=303)
