"""Staff views of bookings: an expert's own, and those caught inside an absence."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.security.jwt import Token

from booking.api import booking_out, search_range
from booking.bookings import bookings_of_expert
from booking.schemas import BookingOut, DeliveryProblemOut
from booking.substitutes import bookings_inside_absence, move_to_substitute
from calendars.accounts import StaffMember
from luukku.clock import Clock
from luukku.settings import Settings
from notifications.outbox import delivery_problems


class MyBookingsController(Controller):
    path = "/api/v1/staff/me/bookings"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/", summary="Your own bookings in a date range (Helsinki dates, end inclusive)")
    async def my_bookings(
        self,
        request: Request[StaffMember, Token, Any],
        settings: NamedDependency[Settings],
        start: FromQuery[date],
        end: FromQuery[date],
    ) -> list[BookingOut]:
        member = request.user
        if member.expert_id is None:
            return []
        range_start, range_end = search_range(
            start, end, ZoneInfo(settings.default_timezone), settings
        )
        views = await bookings_of_expert(member.expert_id, range_start, range_end)
        problems = await delivery_problems([view.reference for view in views])
        return [
            msgspec.structs.replace(
                booking_out(view, settings),
                delivery_problems=[
                    DeliveryProblemOut(
                        kind=problem.kind,
                        recipient=problem.recipient,
                        attempts=problem.attempts,
                        error=problem.error,
                        due_at=problem.due_at,
                    )
                    for problem in problems.get(view.reference, [])
                ],
            )
            for view in views
        ]


class MovedOut(msgspec.Struct):
    moved: list[str]


class AbsenceBookingsController(Controller):
    """Bookings caught inside an absence, and moving them to the named substitute."""

    path = "/api/v1/staff/absences/{absence_id:int}"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/bookings", summary="Confirmed bookings inside an absence, for reassignment")
    async def inside(
        self,
        request: Request[StaffMember, Token, Any],
        settings: NamedDependency[Settings],
        absence_id: FromPath[int],
    ) -> list[BookingOut]:
        views = await bookings_inside_absence(request.user, absence_id)
        return [booking_out(view, settings) for view in views]

    @post("/move-to-substitute", summary="Move them all to the substitute", status_code=200)
    async def move(
        self,
        request: Request[StaffMember, Token, Any],
        clock: NamedDependency[Clock],
        absence_id: FromPath[int],
    ) -> MovedOut:
        return MovedOut(moved=await move_to_substitute(request.user, absence_id, clock.now()))
