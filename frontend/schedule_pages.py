"""An expert's own schedule editors: weekly working hours, date overrides and the external
calendars whose busy times block bookings (with their last sync and error)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.feeds.tokens import current_feed_token, feed_url, rotate_feed_token
from calendars import directory, external
from calendars.credentials import PasswordCipher
from calendars.fetching import Fetcher
from frontend.form_errors import from_domain_error, text_field
from frontend.templating import page
from luukku.clock import Clock
from luukku.database import RowId
from luukku.problems import DomainError, InvalidInput
from luukku.settings import Settings
from staff.accounts import StaffMember

Member = Request[StaffMember, Token, Any]
WEEKDAYS = range(7)
INTERVALS_A_DAY = 2


async def _feed_url(expert: int, settings: Settings, clock: Clock) -> str:
    return feed_url(settings, await current_feed_token("expert", expert, clock.now(), settings))


def week_form(hours: list[directory.WeeklyInterval]) -> dict[str, str]:
    """The week as form values `d<weekday>_<n>_start` / `_end`, n counting a day's intervals."""
    values: dict[str, str] = {}
    per_day: dict[int, int] = {}
    for interval in hours:
        n = per_day.get(interval.weekday, 0)
        per_day[interval.weekday] = n + 1
        values[f"d{interval.weekday}_{n}_start"] = interval.start.strftime("%H:%M")
        values[f"d{interval.weekday}_{n}_end"] = interval.end.strftime("%H:%M")
    return values


def week_rows(form: dict[str, str]) -> list[tuple[int, str, str]]:
    """The filled-in intervals of the week form; a half-filled one is an error of its day."""
    rows = []
    for weekday in WEEKDAYS:
        for n in range(INTERVALS_A_DAY):
            start = form.get(f"d{weekday}_{n}_start", "").strip()
            end = form.get(f"d{weekday}_{n}_end", "").strip()
            if start and end:
                rows.append((weekday, start, end))
            elif start or end:
                raise InvalidInput.field(f"d{weekday}", "give both the start and the end")
    return rows


def _day_field(error: InvalidInput, rows: list[tuple[int, str, str]]) -> dict[str, str]:
    """`working_hours.<i>...` errors point at the form's day of row i."""
    errors = {}
    for field, message in from_domain_error(error, "hours").items():
        parts = field.split(".")
        if parts[0] == "working_hours" and len(parts) > 1 and parts[1].isdigit():
            errors[f"d{rows[int(parts[1])][0]}"] = message
        elif parts[0] == "working_hours":
            errors["hours"] = message
        else:
            errors[field] = message
    return errors


class SchedulePages(Controller):
    path = "/staff"
    include_in_schema = False

    @get("/working-hours", name="staff-working-hours")
    async def working_hours(self, request: Member, done: FromQuery[str | None] = None) -> Template:
        expert = directory.own_expert(request.user)
        hours = await directory.weekly_hours(expert)
        overrides = await directory.overrides_of(expert)
        return page(
            request,
            "staff/working_hours.html",
            member=request.user,
            form=week_form(hours),
            overrides=overrides,
            errors={},
            done=done,
        )

    @post("/working-hours", name="staff-save-working-hours")
    async def save_working_hours(self, request: Member) -> Template | Redirect:
        expert = directory.own_expert(request.user)
        form = {key: str(value) for key, value in (await request.form()).items()}
        rows: list[tuple[int, str, str]] = []
        try:
            rows = week_rows(form)
            await directory.replace_weekly_hours(expert, rows)
        except InvalidInput as error:
            return page(
                request,
                "staff/working_hours.html",
                status_code=422,
                member=request.user,
                form=form,
                overrides=await directory.overrides_of(expert),
                errors=_day_field(error, rows),
                done=None,
            )
        return Redirect("/staff/working-hours?done=saved", status_code=303)

    @post("/overrides", name="staff-add-override")
    async def add_override(self, request: Member) -> Redirect:
        expert = directory.own_expert(request.user)
        form = {key: str(value) for key, value in (await request.form()).items()}
        try:
            day = date.fromisoformat(form.get("date", ""))
            await directory.add_override(
                expert, day, text_field(form, "start"), text_field(form, "end")
            )
        except (ValueError, InvalidInput):
            return Redirect("/staff/working-hours?done=override-invalid", status_code=303)
        return Redirect("/staff/working-hours?done=override-added", status_code=303)

    @post("/overrides/{override_id:int}/delete", name="staff-delete-override")
    async def delete_override(self, request: Member, override_id: RowId) -> Redirect:
        await directory.delete_override(directory.own_expert(request.user), override_id)
        return Redirect("/staff/working-hours?done=override-removed", status_code=303)

    @get("/external-calendars", name="staff-external-calendars")
    async def external_calendars(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        expert = directory.own_expert(request.user)
        return page(
            request,
            "staff/external_calendars.html",
            member=request.user,
            calendars=await external.calendars_of(expert),
            feed_url=await _feed_url(expert, settings, clock),
            done=done,
            form={},
            errors={},
        )

    @post("/feed/rotate", name="staff-rotate-feed")
    async def rotate_feed(
        self, request: Member, settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> Redirect:
        expert = directory.own_expert(request.user)
        await rotate_feed_token("expert", expert, clock.now(), settings)
        return Redirect("/staff/external-calendars?done=feed-replaced", status_code=303)

    @post("/external-calendars", name="staff-add-calendar")
    async def add_calendar(
        self,
        request: Member,
        fetcher: NamedDependency[Fetcher],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        cipher: NamedDependency[PasswordCipher],
    ) -> Template | Redirect:
        expert = directory.own_expert(request.user)
        form = {key: str(value) for key, value in (await request.form()).items()}
        try:
            calendar = await external.add_external_calendar(
                expert,
                form.get("kind", ""),
                form.get("url", ""),
                form.get("username", ""),
                form.get("password", ""),
                cipher=cipher,
            )
        except DomainError as error:
            if error.status_code >= 500:
                raise
            return page(
                request,
                "staff/external_calendars.html",
                status_code=422,
                member=request.user,
                calendars=await external.calendars_of(expert),
                feed_url=await _feed_url(expert, settings, clock),
                done=None,
                form=form,
                errors=from_domain_error(error, "url"),
            )
        result = await external.sync_calendar(calendar, fetcher, clock.now(), cipher)
        done = "synced" if result.ok else "sync-failed"
        return Redirect(f"/staff/external-calendars?done={done}", status_code=303)

    @post("/external-calendars/{calendar_id:int}/sync", name="staff-sync-calendar")
    async def sync_now(
        self,
        request: Member,
        calendar_id: RowId,
        fetcher: NamedDependency[Fetcher],
        clock: NamedDependency[Clock],
        cipher: NamedDependency[PasswordCipher],
    ) -> Redirect:
        expert = directory.own_expert(request.user)
        await external.owned_calendar(expert, calendar_id)
        result = await external.sync_calendar(calendar_id, fetcher, clock.now(), cipher)
        done = "synced" if result.ok else "sync-failed"
        return Redirect(f"/staff/external-calendars?done={done}", status_code=303)
