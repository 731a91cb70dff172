"""The waitlist as its customer sees it: join (from a service page or a booking's manage
page), see one's place and offer, accept, leave; and the offer email's link, which answers 410
once the offer lapsed and says the time went to the next in line.

Tokens travel in the address, as on the manage pages, so these pages answer with
`Referrer-Policy: no-referrer`. Offer times are written `10.00` (Helsinki) in every language.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from booking.bookings.schemas import CustomerIn
from booking.waitlist.accepting import accept_by_link, accept_current, offer_by_token
from booking.waitlist.entries import get_entry, join, leave, today_local
from booking.waitlist.letters import clock_time
from booking.waitlist.schemas import WaitlistJoin
from frontend.formatting import local
from frontend.templating import page
from luukku.clock import Clock
from luukku.problems import Conflict, DomainError, FieldError, Gone, InvalidInput
from luukku.settings import Settings
from security.rate_limits import rate_limited

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
FORM_FIELDS = ("service", "channel", "language", "expert", "earliest", "latest", "name", "email")


def status_path(reference: str, token: str) -> str:
    return f"/waitlist/{reference}?token={token}"


def _join_request(form: dict[str, str]) -> WaitlistJoin:
    """The form as the API's body; a field that does not parse is named in InvalidInput."""
    try:
        earliest = date.fromisoformat(form["earliest"]) if form.get("earliest") else None
    except ValueError:
        raise InvalidInput.field("earliest", "is not a date") from None
    try:
        latest = date.fromisoformat(form.get("latest", ""))
    except ValueError:
        raise InvalidInput.field("latest", "is not a date") from None
    if not form.get("booking_reference"):
        missing = [
            FieldError(name, "is required")
            for name in ("name", "email")
            if not form.get(name, "").strip()
        ]
        if missing:
            raise InvalidInput("The form has missing fields.", missing)
    expert = form.get("expert", "")
    try:
        return msgspec.convert(
            {
                "service": form.get("service", ""),
                "channel": form.get("channel", ""),
                "language": form.get("language", ""),
                "earliest": earliest,
                "latest": latest,
                "expert_id": int(expert) if expert.isdigit() and len(expert) < 10 else None,
                "booking_reference": form.get("booking_reference") or None,
                "customer": None
                if form.get("booking_reference")
                else CustomerIn(
                    name=form.get("name", "").strip(), email=form.get("email", "").strip()
                ),
            },
            WaitlistJoin,
        )
    except msgspec.ValidationError as exc:
        raise InvalidInput.field("latest", str(exc)) from None


def _errors(exc: DomainError) -> dict[str, str]:
    fields = {error.field.removeprefix("customer."): error.message for error in exc.errors}
    return fields or {"latest": exc.detail}


class WaitlistPages(Controller):
    path = "/waitlist"
    include_in_schema = False

    @get("/join", name="waitlist-join")
    async def join_form(
        self,
        request: Request[Any, Any, Any],
        clock: NamedDependency[Clock],
        service: FromQuery[str] = "",
        channel: FromQuery[str] = "",
        language: FromQuery[str] = "",
        expert: FromQuery[str] = "",
    ) -> Template:
        today = today_local(clock.now())
        form = {
            "service": service,
            "channel": channel,
            "language": language,
            "expert": expert,
            "earliest": today.isoformat(),
            "latest": (today + timedelta(days=13)).isoformat(),
        }
        return page(request, "waitlist_join.html", form=form, errors={})

    @post("/join", name="waitlist-join-post", guards=[rate_limited("booking")])
    async def join(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {key: str(value) for key, value in (await request.form()).items()}
        try:
            view = await join(
                _join_request(form), form.get("manage_token", ""), settings, clock.now()
            )
        except DomainError as exc:
            if exc.status_code >= 500:
                raise
            shown = {k: form.get(k, "") for k in (*FORM_FIELDS, "booking_reference")}
            return page(
                request,
                "waitlist_join.html",
                status_code=422,
                form={**shown, "manage_token": form.get("manage_token", "")},
                errors=_errors(exc),
            )
        return Redirect(status_path(view.reference, view.token) + "&done=joined", status_code=303)

    @get("/{reference:str}", name="waitlist", guards=[rate_limited("manage")])
    async def status(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromQuery[str],
        done: FromQuery[str | None] = None,
    ) -> Template:
        view = await get_entry(reference, token)
        return page(
            request,
            "waitlist.html",
            headers=NO_REFERRER,
            entry=view,
            token=token,
            done=done,
            kept_until=clock_time(view.offer.expires_at) if view.offer else "",
            offer_start=local(view.offer.start) if view.offer else None,
        )

    @post("/{reference:str}/leave", name="waitlist-leave", guards=[rate_limited("manage")])
    async def leave(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        token = str((await request.form()).get("token", ""))
        view = await leave(reference, token, clock.now())
        return Redirect(status_path(view.reference, token) + "&done=left", status_code=303)

    @post("/{reference:str}/accept", name="waitlist-accept", guards=[rate_limited("manage")])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        token = str((await request.form()).get("token", ""))
        try:
            booking, manage_token = await accept_current(reference, token, settings, clock.now())
        except (Gone, Conflict) as exc:
            return page(
                request, "waitlist_gone.html", status_code=exc.status_code, headers=NO_REFERRER
            )
        return _booked(request, booking.reference, manage_token, booking.start)

    @get("/offers/{offer_token:str}", name="waitlist-offer", guards=[rate_limited("manage")])
    async def offer(
        self,
        request: Request[Any, Any, Any],
        offer_token: FromPath[str],
        clock: NamedDependency[Clock],
    ) -> Template:
        entry, offer = await offer_by_token(offer_token)
        if offer["status"] != "open" or offer["expires_at"] <= clock.now():
            return page(request, "waitlist_gone.html", status_code=410, headers=NO_REFERRER)
        return page(
            request,
            "waitlist_offer.html",
            headers=NO_REFERRER,
            offer_token=offer_token,
            reference=entry["reference"],
            offer_start=local(offer["starts_at"]),
            kept_until=clock_time(offer["expires_at"]),
            moving=bool(entry["booking_reference"]),
        )

    @post(
        "/offers/{offer_token:str}/accept",
        name="waitlist-offer-accept",
        guards=[rate_limited("manage")],
    )
    async def accept_offer(
        self,
        request: Request[Any, Any, Any],
        offer_token: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            booking, manage_token = await accept_by_link(offer_token, settings, clock.now())
        except (Gone, Conflict) as exc:
            return page(
                request, "waitlist_gone.html", status_code=exc.status_code, headers=NO_REFERRER
            )
        return _booked(request, booking.reference, manage_token, booking.start)


def _booked(
    request: Request[Any, Any, Any], reference: str, manage_token: str, start: Any
) -> Template | Redirect:
    if manage_token:  # a new booking: its confirmation, with the manage link
        return Redirect(f"/bookings/{reference}/confirmation?token={manage_token}", status_code=303)
    return page(request, "waitlist_moved.html", headers=NO_REFERRER, start=local(start))
