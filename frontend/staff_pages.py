"""Staff pages behind the session cookie: sign-in, the own calendar as a time grid, a
booking's details and the absences editor. They call the same use cases as the staff API."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.bookings import substitutes
from booking.bookings.lifecycle import (
    MAX_STAFF_NOTES,
    BookingView,
    as_read_by,
    bookings_of_expert,
    read_own_booking,
    set_staff_notes,
)
from booking.joint.sessions import JointSessionView, joint_sessions_of_expert
from calendars import directory
from calendars.external import busy_times_of
from frontend.form_errors import from_domain_error
from frontend.formatting import HELSINKI, local
from frontend.templating import page, page_language
from frontend.time_grid import Entry, lay_out
from frontend.week import WEEK, monday_of
from luukku.clock import Clock
from luukku.database import RowId
from luukku.instants import bounded_date
from luukku.problems import InvalidInput, NotAllowed, NotAuthenticated, NotFound, SlotTaken
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import StaffMember, revoke_token
from staff.auth import TokenIssuer, token_expiry
from staff.oidc.logout import end_session_url
from staff.oidc.provider import OpenIDProvider
from staff.sign_in import sign_in as sign_in_member

Member = Request[StaffMember, Token, Any]
HOME = "/staff/calendar"


def safe_next(target: str) -> str:
    """Only a staff page of this site: never an address elsewhere (open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return HOME
    return target


def _sign_in_choices(settings: Settings) -> dict[str, Any]:
    """Which ways of signing in the login page offers."""
    return {
        "password_login": settings.password_login,
        "oidc_enabled": settings.oidc_enabled,
        "provider_name": settings.oidc_provider_name,
    }


def _own_link(session: JointSessionView, expert_id: int) -> str:
    """The expert's own join link of a joint session they take part in."""
    people = [*session.participants, *([session.interpreter] if session.interpreter else [])]
    return next(p.join_url for p in people if p.expert_id == expert_id)


def _booking_entry(view: BookingView, language: str) -> Entry:
    return Entry(
        kind="booking",
        start=view.start,
        end=view.end,
        title=f"{view.service_name.get(language)}: {view.customer.name}",
        href=f"/staff/bookings/{view.reference}",
        cancelled=view.status == "cancelled",
    )


class StaffSessionPages(Controller):
    path = "/staff"
    include_in_schema = False

    @get("/", name="staff-home", opt={"public": True})
    async def home(self) -> Redirect:
        return Redirect(HOME, status_code=303)

    @get("/login", name="staff-login", opt={"public": True})
    async def login_form(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        next: FromQuery[str] = HOME,
        signed_out: FromQuery[bool] = False,
    ) -> Template:
        return page(
            request,
            "staff/login.html",
            next=safe_next(next),
            email="",
            failed=False,
            signed_out=signed_out,
            **_sign_in_choices(settings),
        )

    @post(
        "/login",
        name="staff-sign-in",
        opt={"public": True},
        guards=[rate_limited("login", per_email=False)],
    )
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        tokens: NamedDependency[TokenIssuer],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        if not settings.password_login:
            raise NotAllowed("Password sign-in is switched off; sign in through the provider.")
        form = await request.form()
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        target = safe_next(str(form.get("next", HOME)))
        try:
            member = await sign_in_member(
                email, password[:1024], request.app.state["rate_limiter"], settings
            )
        except NotAuthenticated:
            return page(
                request,
                "staff/login.html",
                status_code=401,
                next=target,
                email=email,
                failed=True,
                **_sign_in_choices(settings),
            )
        token = tokens.issue(str(member.id), secrets.token_hex(16))
        return Redirect(target, status_code=303, cookies=[tokens.session_cookie(token)])

    @post("/logout", name="staff-sign-out")
    async def sign_out(self, request: Member, oidc: NamedDependency[OpenIDProvider]) -> Redirect:
        jti = str(request.auth.jti or "")
        await revoke_token(jti, token_expiry(request.auth))
        # A session begun at the provider ends there too (RP-initiated logout).
        provider_logout = await end_session_url(oidc, jti)
        return Redirect(
            provider_logout or "/staff/login?signed_out=1",
            status_code=303,
            cookies=[TokenIssuer.cleared_cookie()],
        )


class StaffCalendarPages(Controller):
    path = "/staff"
    include_in_schema = False

    @get("/calendar", name="staff-calendar")
    async def calendar(
        self,
        request: Member,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        week: FromQuery[date | None] = None,
        day: FromQuery[date | None] = None,
    ) -> Template:
        member = request.user
        today = local(clock.now()).date()
        if member.expert_id is None:
            return page(request, "staff/no_calendar.html", member=member)
        expert = member.expert_id
        if day is not None:
            days = [bounded_date(day, "day")]
            monday = monday_of(day)
        else:
            monday = monday_of(bounded_date(week, "week") if week else today)
            days = [monday + timedelta(days=n) for n in range(7)]
        start = datetime.combine(days[0], time(), HELSINKI)
        end = datetime.combine(days[-1] + timedelta(days=1), time(), HELSINKI)
        language = page_language(request)
        views = await bookings_of_expert(expert, start, end)
        entries = [_booking_entry(view, language) for view in views]
        entries += [
            Entry(
                "joint",
                session.start,
                session.end,
                title=session.customer_name,
                href=_own_link(session, expert),
                cancelled=session.status == "cancelled",
            )
            for session in await joint_sessions_of_expert(expert, start, end, settings)
        ]
        entries += [
            Entry("absence", a.start, a.end, title=a.reason)
            for a in await directory.absences_of(expert)
            if a.start < end and a.end > start
        ]
        entries += [Entry("busy", s, e) for s, e in await busy_times_of(expert, start, end)]
        hours, columns = lay_out(days, entries)
        return page(
            request,
            "staff/calendar.html",
            member=member,
            today=today,
            single_day=day,
            monday=monday,
            previous_week=monday - WEEK,
            next_week=monday + WEEK,
            hours=hours,
            columns=columns,
            bookings=views,
            entries=sorted(entries, key=lambda e: e.start),
        )

    @get("/bookings/{reference:str}", name="staff-booking")
    async def booking(
        self,
        request: Member,
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        view = as_read_by(
            await read_own_booking(request.user, directory.own_expert(request.user), reference),
            settings,
            for_expert=True,
        )
        return page(
            request,
            "staff/booking.html",
            member=request.user,
            booking=view,
            done=done,
            now=clock.now(),
            monday=monday_of(local(view.start).date()),
        )

    @post("/bookings/{reference:str}/notes", name="staff-booking-notes")
    async def save_notes(self, request: Member, reference: FromPath[str]) -> Redirect:
        form = await request.form()
        expert = directory.own_expert(request.user)
        notes = str(form.get("notes", ""))[: MAX_STAFF_NOTES + 1]
        await set_staff_notes(request.user, expert, reference, notes[:MAX_STAFF_NOTES])
        return Redirect(f"/staff/bookings/{reference}?done=notes-saved", status_code=303)

    @get("/absences", name="staff-absences")
    async def absences(
        self,
        request: Member,
        done: FromQuery[str | None] = None,
        count: FromQuery[int | None] = None,
    ) -> Template:
        return await self._absences_page(request, done=done, count=count)

    @post("/absences", name="staff-add-absence")
    async def add_absence(self, request: Member) -> Template | Redirect:
        expert = directory.own_expert(request.user)
        form = {key: str(value) for key, value in (await request.form()).items()}
        try:
            start = local_moment(form, "start")
            end = local_moment(form, "end")
            substitute = form.get("substitute", "")
            await directory.add_absence(
                request.user,
                expert,
                start,
                end,
                form.get("reason", "").strip()[:200],
                int(substitute) if substitute.isdigit() and len(substitute) < 10 else None,
            )
        except (InvalidInput, NotFound) as error:
            errors = from_domain_error(error, "start")
            return await self._absences_page(request, form=form, errors=errors, status_code=422)
        return Redirect("/staff/absences?done=added", status_code=303)

    @post("/absences/{absence_id:int}/move-to-substitute", name="staff-move-to-substitute")
    async def move_to_substitute(
        self,
        request: Member,
        absence_id: RowId,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Redirect:
        try:
            moved = await substitutes.move_to_substitute(
                request.user, absence_id, settings, clock.now()
            )
        except (SlotTaken, InvalidInput):
            return Redirect("/staff/absences?done=move-failed", status_code=303)
        return Redirect(f"/staff/absences?done=moved&count={len(moved)}", status_code=303)

    @post("/absences/{absence_id:int}/delete", name="staff-delete-absence")
    async def delete_absence(self, request: Member, absence_id: RowId) -> Redirect:
        await directory.delete_absence(directory.own_expert(request.user), absence_id)
        return Redirect("/staff/absences?done=removed", status_code=303)

    @staticmethod
    async def _absences_page(
        request: Member,
        *,
        done: str | None = None,
        count: int | None = None,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        expert = directory.own_expert(request.user)
        absences = await directory.absences_of(expert)
        return page(
            request,
            "staff/absences.html",
            status_code=status_code,
            member=request.user,
            absences=absences,
            colleagues=dict(await directory.colleagues(expert)),
            done=done,
            count=count,
            form=form or {},
            errors=errors or {},
        )


def local_moment(form: dict[str, str], field: str) -> datetime:
    """`<field>_date` and `<field>_time` of the form as a Helsinki moment."""
    try:
        day = date.fromisoformat(form.get(f"{field}_date", ""))
        clock = time.fromisoformat(form.get(f"{field}_time", "") or "00:00")
    except ValueError:
        raise InvalidInput.field(field, "give a date and a time") from None
    return datetime.combine(day, clock, HELSINKI)
