"""HTTP routes of appointment outcomes (staff) and the customer's feedback form (public)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token

from booking.bookings.answers import booking_out
from booking.bookings.schemas import BookingOut
from booking.catalogue.services import get_service_by_id
from booking.quality import feedback
from booking.quality.feedback import QUESTIONS
from booking.quality.schemas import (
    FeedbackFormOut,
    FeedbackIn,
    FeedbackQuestionOut,
    FeedbackThanksOut,
    OutcomeIn,
)
from luukku.clock import Clock
from luukku.languages import request_language
from luukku.local_time import default_zone
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import StaffMember


class OutcomeController(Controller):
    path = "/api/v1/staff/bookings"
    tags = ("staff",)  # type: ignore[assignment]

    @post(
        "/{reference:str}/outcome",
        summary="Mark an appointment completed (sends the feedback request) or a no-show",
        status_code=200,
        opt={"problems": (409,)},
    )
    async def mark(
        self,
        request: Request[StaffMember, Token, Any],
        reference: FromPath[str],
        data: JSONBody[OutcomeIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> BookingOut:
        view = await feedback.set_outcome(
            request.user, reference, data.outcome, settings, clock.now()
        )
        return booking_out(view, settings, for_expert=True)


class FeedbackController(Controller):
    path = "/api/v1/feedback"
    tags = ("public",)  # type: ignore[assignment]
    guards = (rate_limited("manage"),)

    @get(
        "/{reference:str}/{token:str}",
        summary="The feedback form of a completed appointment",
        opt={"problems": (409, 410)},
    )
    async def form(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        token: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> FeedbackFormOut:
        found = await feedback.invitation(settings, reference, token, clock.now())
        language = request_language(request)
        service = await get_service_by_id(found.service_id)
        zone = default_zone(settings)
        return FeedbackFormOut(
            reference=found.reference,
            service=service.name.get(language),
            start=found.start.astimezone(zone),
            expires_at=found.expires_at.astimezone(zone),
            answered=found.answered,
            questions=[
                FeedbackQuestionOut(id=key, text=question)
                for key, question in QUESTIONS[language].items()
            ],
        )

    @post(
        "/{reference:str}/{token:str}",
        summary="Answer the feedback form",
        status_code=201,
        opt={"problems": (409, 410)},
    )
    async def answer(
        self,
        reference: FromPath[str],
        token: FromPath[str],
        data: JSONBody[FeedbackIn],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> FeedbackThanksOut:
        await feedback.answer(
            settings,
            reference,
            token,
            (data.needs_met, data.communication, data.comment),
            clock.now(),
        )
        return FeedbackThanksOut()
