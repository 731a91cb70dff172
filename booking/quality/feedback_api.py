"""HTTP routes of appointment outcomes (staff) and the customer's feedback form (public)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.security.jwt import Token

from booking.bookings.api import booking_out
from booking.bookings.schemas import BookingOut
from booking.catalogue.services import get_service_by_id
from booking.quality import feedback
from luukku.clock import Clock
from luukku.languages import request_language
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import StaffMember

_NO_NUL = r"^[^\x00]*$"


class OutcomeIn(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Annotated[str, msgspec.Meta(max_length=16, pattern=_NO_NUL)]
    """`completed` (the customer then gets the feedback request) or `no_show`."""


class FeedbackQuestionOut(msgspec.Struct):
    id: str
    text: str


class FeedbackFormOut(msgspec.Struct):
    reference: str
    service: str
    start: datetime
    expires_at: datetime
    answered: bool
    questions: list[FeedbackQuestionOut]


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    needs_met: int
    communication: int
    comment: Annotated[str, msgspec.Meta(max_length=2000, pattern=_NO_NUL)] = ""


class FeedbackThanksOut(msgspec.Struct):
    status: str = "received"


QUESTIONS = {
    "fi": {
        "needs_met": "Palvelu vastasi tarpeisiini",
        "communication": "Palvelun viestintä oli riittävää ja ymmärrettävää",
    },
    "sv": {
        "needs_met": "Tjänsten motsvarade mina behov",
        "communication": "Kommunikationen var tillräcklig och begriplig",
    },
    "en": {
        "needs_met": "The service met my needs",
        "communication": "The communication was sufficient and understandable",
    },
}
"""The two city-wide satisfaction questions, answered on a scale of 1 to 5."""


class OutcomeController(Controller):
    path = "/api/v1/staff/bookings"
    tags = ("staff",)  # type: ignore[assignment]

    @post(
        "/{reference:str}/outcome",
        summary="Mark an appointment completed (sends the feedback request) or a no-show",
        status_code=200,
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

    @get("/{reference:str}/{token:str}", summary="The feedback form of a completed appointment")
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
        zone = ZoneInfo(settings.default_timezone)
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

    @post("/{reference:str}/{token:str}", summary="Answer the feedback form", status_code=201)
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
