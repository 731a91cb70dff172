"""The service-point desk: a clerk arranges a joint remote session for the customer at the desk
(agencies, interpreter language, room, length, dates → common free times → book with the
customer's details) and sees the point's coming sessions with their meeting links."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from booking.bookings.customers import clean_customer
from booking.joint.search import (
    JointQuery,
    JointSlot,
    Participant,
    desk_choices,
    search_joint_slots,
)
from booking.joint.sessions import (
    JointRequest,
    book_joint_session,
    check_point_access,
    upcoming_at_point,
)
from calendars.experts import expert_contacts
from calendars.service_points import service_point_slug
from frontend.form_errors import from_domain_error
from frontend.templating import page
from luukku.clock import Clock
from luukku.local_time import default_zone, search_range
from luukku.problems import DomainError, FieldError, InvalidInput, NotAllowed
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import requires_role

Member = Request[StaffMember, Token, Any]
DURATIONS = (30, 45, 60, 90, 120)
UPCOMING = timedelta(days=60)
SHOWN_SLOTS = 40
_SEARCH_FIELDS = ("interpreter_language", "room", "duration", "start", "end")


def _point(member: StaffMember) -> int:
    if member.service_point_id is None:
        raise NotAllowed("Only a service point's clerks have a desk.")
    return member.service_point_id


def _search_form(values: Mapping[str, Any], agencies: list[str], today: date) -> dict[str, Any]:
    form: dict[str, Any] = {name: str(values.get(name, "")).strip() for name in _SEARCH_FIELDS}
    form["agencies"] = agencies
    form["duration"] = form["duration"] or "60"
    form["start"] = form["start"] or today.isoformat()
    form["end"] = form["end"] or (today + timedelta(days=13)).isoformat()
    return form


def _query(form: dict[str, Any], point: str, zone: ZoneInfo, settings: Settings) -> JointQuery:
    """The search the form asks for, or InvalidInput naming its field."""
    if not form["agencies"]:
        raise InvalidInput.field("agencies", "choose at least one agency")
    errors = []
    days: dict[str, date] = {}
    for name in ("start", "end"):
        try:
            days[name] = date.fromisoformat(form[name])
        except ValueError:
            errors.append(FieldError(name, "give a date"))
    if not form["duration"].isdigit() or int(form["duration"]) not in DURATIONS:
        errors.append(FieldError("duration", "choose a length"))
    if errors:
        raise InvalidInput("Check the search.", errors)
    start, end = search_range(days["start"], days["end"], zone, settings)
    return JointQuery(
        service_point=point,
        agencies=tuple(form["agencies"]),
        duration=timedelta(minutes=int(form["duration"])),
        start=start,
        end=end,
        room=form["room"] or None,
        interpreter_language=form["interpreter_language"] or None,
    )


def slot_value(slot: JointSlot) -> str:
    """A slot as one form value: start|end|room|expert@agency+…|interpreter."""
    people = "+".join(f"{p.expert_id}@{p.agency}" for p in slot.participants)
    interpreter = "" if slot.interpreter_id is None else str(slot.interpreter_id)
    return f"{slot.start.isoformat()}|{slot.end.isoformat()}|{slot.room}|{people}|{interpreter}"


def parse_slot(value: str) -> JointSlot:
    try:
        start, end, room, people, interpreter = value.split("|")
        participants = tuple(
            Participant(int(expert), agency)
            for expert, _, agency in (person.partition("@") for person in people.split("+"))
        )
        return JointSlot(
            start=datetime.fromisoformat(start),
            end=datetime.fromisoformat(end),
            room=room,
            participants=participants,
            interpreter_id=int(interpreter) if interpreter else None,
        )
    except ValueError as exc:
        raise InvalidInput.field("slot", "choose one of the times") from exc


async def _point_slug(member: StaffMember) -> str:
    slug = await service_point_slug(_point(member))
    if slug is None:
        raise NotAllowed("Your service point no longer exists.")
    return slug


async def _names(slots: list[JointSlot]) -> dict[int, str]:
    ids = {p.expert_id for s in slots for p in s.participants} | {
        s.interpreter_id for s in slots if s.interpreter_id is not None
    }
    return {i: expert.name for i, expert in (await expert_contacts(ids)).items()}


class DeskPages(Controller):
    path = "/desk"
    include_in_schema = False
    guards = [requires_role("service_point_clerk")]  # noqa: RUF012

    async def _desk(
        self,
        request: Member,
        settings: Settings,
        clock: Clock,
        *,
        form: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
        done: str | None = None,
    ) -> Template:
        point = _point(request.user)
        now = clock.now()
        return page(
            request,
            "staff/desk.html",
            status_code=status_code,
            member=request.user,
            choices=await desk_choices(point),
            upcoming=await upcoming_at_point(point, now, now + UPCOMING, settings),
            durations=DURATIONS,
            form=form,
            errors=errors,
            done=done,
        )

    @get("/", name="desk")
    async def desk(
        self,
        request: Member,
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        today = clock.now().astimezone(default_zone(settings)).date()
        form = _search_form({}, [], today)
        return await self._desk(request, settings, clock, form=form, errors={}, done=done)

    async def _slots(
        self,
        request: Member,
        settings: Settings,
        clock: Clock,
        form: dict[str, Any],
        *,
        booking_form: Mapping[str, str] | None = None,
        booking_errors: dict[str, str] | None = None,
    ) -> Template:
        choices = await desk_choices(_point(request.user))
        zone = default_zone(settings)
        try:
            query = _query(form, choices.point.slug, zone, settings)
            slots = await search_joint_slots(
                query, clock.now(), lambda p: check_point_access(request.user, p.id)
            )
        except InvalidInput as error:
            errors = from_domain_error(error, "agencies")
            return await self._desk(
                request, settings, clock, form=form, errors=errors, status_code=422
            )
        shown = slots[:SHOWN_SLOTS]
        return page(
            request,
            "staff/desk_slots.html",
            status_code=422 if booking_errors else 200,
            member=request.user,
            choices=choices,
            search=form,
            slots=[(slot_value(slot), slot) for slot in shown],
            names=await _names(shown),
            rooms={room.slug: room.name for room in choices.point.rooms},
            form=dict(booking_form or {}),
            errors=booking_errors or {},
        )

    @get("/slots", name="desk-slots")
    async def slots(
        self, request: Member, settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> Template:
        today = clock.now().astimezone(default_zone(settings)).date()
        params = request.query_params
        form = _search_form(params, list(params.getall("agencies", [])), today)
        return await self._slots(request, settings, clock, form)

    @post("/book", name="desk-book")
    async def book(
        self, request: Member, settings: NamedDependency[Settings], clock: NamedDependency[Clock]
    ) -> Template | Redirect:
        today = clock.now().astimezone(default_zone(settings)).date()
        posted = await request.form()
        values = {key: str(value).strip() for key, value in posted.items()}
        search = _search_form(values, [str(a) for a in posted.getall("agencies", [])], today)
        try:
            slot = parse_slot(values.get("slot", ""))
            customer = clean_customer(
                name=values.get("name", ""),
                email=values.get("email", ""),
                phone=values.get("phone") or None,
                company=values.get("company") or None,
                business_id=values.get("business_id") or None,
                language=values.get("language", "fi"),
            )
            booked = await book_joint_session(
                JointRequest(
                    service_point=await _point_slug(request.user),
                    start=slot.start,
                    end=slot.end,
                    room=slot.room,
                    participants=slot.participants,
                    customer=customer,
                    matter=values.get("matter", "")[:4000],
                    interpreter_id=slot.interpreter_id,
                    interpreter_language=search["interpreter_language"] or None,
                ),
                request.user,
                settings,
                clock.now(),
            )
        except DomainError as error:
            if error.status_code >= 500 or error.status_code == 403:
                raise
            errors = {
                field.removeprefix("customer."): message
                for field, message in from_domain_error(error, "slot").items()
            }
            if error.status_code == 409:
                errors = {"slot": "taken"}
            return await self._slots(
                request, settings, clock, search, booking_form=values, booking_errors=errors
            )
        return Redirect(f"/desk?done=booked&reference={booked.reference}", status_code=303)
