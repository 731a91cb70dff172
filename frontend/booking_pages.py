"""A booked time as its customer sees it: confirmation, calendar file, manage, cancel, move.

Cancelling and moving ask before they act: each has a confirmation step (the time shown; old
→ new), and a time taken meanwhile offers the three nearest free times instead.

The manage token travels in the address (`?token=`), as in the manage link the API and the
emails give; these pages answer with `Referrer-Policy: no-referrer` so it never leaks on.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from booking.bookings import lifecycle as bookings
from booking.bookings.lifecycle import BookingView
from booking.bookings.manage_links import manage_path as manage_address
from booking.bookings.slots import search_slots
from booking.bookings.suggestions import nearest_free_slots
from booking.feeds.events import customer_calendar_file
from frontend.formatting import local
from frontend.templating import page, page_language
from frontend.week import WEEK, chosen_week, days_of_week, week_range
from luukku.clock import Clock
from luukku.problems import Conflict, InvalidInput, SlotTaken
from luukku.settings import Settings
from security.rate_limits import rate_limited

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def manage_path(request: Request[Any, Any, Any], reference: str, token: str) -> str:
    return manage_address(reference, token)


def _start(value: str | None) -> datetime | None:
    """A chosen start from a form or query: an aware time, else None."""
    try:
        start = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def _changeable(view: BookingView, now: datetime) -> bool:
    return view.status == "confirmed" and view.start > now


class BookingPages(Controller):
    path = "/bookings/{reference:str}"
    include_in_schema = False
    guards = (rate_limited("manage"),)  # every page here takes the manage token

    @get("/confirmation", name="confirmation")
    async def confirmation(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template:
        view = bookings.as_read_by(
            await bookings.get_booking(reference, token, clock.now()), settings
        )
        return page(
            request,
            "confirmation.html",
            headers=NO_REFERRER,
            booking=view,
            token=token,
            manage_url=settings.public_base_url + manage_path(request, view.reference, token),
        )

    @get("/calendar.ics", name="calendar-file")
    async def calendar_file(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Response[bytes]:
        view = bookings.as_read_by(
            await bookings.get_booking(reference, token, clock.now()), settings
        )
        manage_url = settings.public_base_url + manage_path(request, view.reference, token)
        return Response(
            customer_calendar_file(view, page_language(request), manage_url),
            media_type="text/calendar; charset=utf-8",
            headers={
                **NO_REFERRER,
                "Content-Disposition": f'attachment; filename="{view.reference}.ics"',
            },
        )

    @get("/manage", name="manage")
    async def manage(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        now = clock.now()
        view = bookings.as_read_by(await bookings.get_booking(reference, token, now), settings)
        return page(
            request,
            "manage.html",
            headers=NO_REFERRER,
            booking=view,
            token=token,
            done=done,
            changeable=_changeable(view, now),
            may_reschedule=view.reschedule_count < settings.max_customer_reschedules,
            errors={},
            today=local(now).date().isoformat(),
            latest_day=local(view.start).date().isoformat(),
        )

    @get("/cancel", name="cancel-confirm")
    async def cancel_confirm(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        now = clock.now()
        view = bookings.as_read_by(await bookings.get_booking(reference, token, now), settings)
        if not _changeable(view, now):
            return Redirect(manage_path(request, view.reference, token), status_code=303)
        return page(request, "cancel_confirm.html", headers=NO_REFERRER, booking=view, token=token)

    @post("/cancel", name="cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        form = await request.form()
        token = str(form.get("token", ""))
        reason = str(form.get("reason", "")).strip()[:1000]
        view = await bookings.cancel_booking(
            reference, token, reason or None, settings, clock.now()
        )
        return Redirect(
            manage_path(request, view.reference, token) + "&done=cancelled", status_code=303
        )

    @get("/reschedule", name="reschedule-times")
    async def reschedule_times(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        clock: NamedDependency[Clock],
        week: FromQuery[date | None] = None,
        error: FromQuery[str | None] = None,
        wanted: FromQuery[str | None] = None,
    ) -> Template:
        now = clock.now()
        view = await bookings.get_booking(reference, token, now)
        taken = _start(wanted) if error == "taken" else None
        alternatives = (
            await nearest_free_slots(
                view.service_slug, taken, now, view.channel, view.language, view.expert_id
            )
            if taken is not None
            else []
        )
        this_week = chosen_week(None, local(now).date())
        monday = chosen_week(week, local(now).date())
        start, end = week_range(monday)
        slots = await search_slots(
            view.service_slug, start, end, now, view.channel, view.language, view.expert_id
        )
        return page(
            request,
            "reschedule.html",
            headers=NO_REFERRER,
            booking=view,
            token=token,
            error=error,
            alternatives=alternatives,
            monday=monday,
            previous_week=monday - WEEK if monday > this_week else None,
            next_week=monday + WEEK,
            days=days_of_week(monday, slots, local(now).date()),
        )

    @get("/reschedule/confirm", name="reschedule-confirm")
    async def reschedule_confirm(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        start: FromQuery[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        now = clock.now()
        view = await bookings.get_booking(reference, token, now)
        new_start = _start(start)
        if new_start is None:
            return self._back_to_times(request, reference, token, "invalid")
        left = settings.max_customer_reschedules - view.reschedule_count
        return page(
            request,
            "reschedule_confirm.html",
            headers=NO_REFERRER,
            booking=view,
            token=token,
            new_start=new_start,
            new_end=new_start + (view.end - view.start),
            last_change=left == 1,
        )

    @post("/reschedule", name="reschedule")
    async def reschedule(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        form = await request.form()
        token = str(form.get("token", ""))
        try:
            start = _start(str(form.get("start", "")))
            if start is None:
                raise ValueError("not an aware time")
            view = await bookings.reschedule_booking(reference, token, start, settings, clock.now())
        except SlotTaken:
            wanted = f"&wanted={quote(start.isoformat())}" if start else ""
            return self._back_to_times(request, reference, token, "taken" + wanted)
        except (ValueError, InvalidInput):
            return self._back_to_times(request, reference, token, "invalid")
        except Conflict:
            return self._back_to_times(request, reference, token, "locked")
        return Redirect(
            manage_path(request, view.reference, token) + "&done=rescheduled", status_code=303
        )

    @staticmethod
    def _back_to_times(
        request: Request[Any, Any, Any], reference: str, token: str, error: str
    ) -> Redirect:
        times = request.app.route_reverse("reschedule-times", reference=reference)
        return Redirect(f"{times}?token={token}&error={error}", status_code=303)
