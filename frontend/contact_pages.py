"""Public pages of service quality: ask a question without booking (contact request), and the
feedback form a customer reaches from the link in their feedback request."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from booking.catalogue.services import get_service_by_id
from booking.quality import contact_requests, feedback
from booking.quality.contact_intake import submit_from
from booking.quality.contact_requests import CHANNELS, topics_by_agency
from booking.quality.feedback import QUESTIONS
from booking.quality.schemas import ContactRequestIn
from frontend.form_errors import from_domain_error, from_msgspec_error, text_field
from frontend.templating import page, page_language
from luukku.clock import Clock
from luukku.problems import DomainError
from luukku.settings import Settings
from security.rate_limits import rate_limited

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
_FIELDS = ("topic", "question", "channel", "name", "email", "phone", "company", "business_id")


async def _topics() -> list[str]:
    return sorted(set().union(*(await topics_by_agency()).values()))


class ContactPages(Controller):
    path = "/contact"
    include_in_schema = False

    @get("/", name="contact-form")
    async def form(self, request: Request[Any, Any, Any], topic: FromQuery[str] = "") -> Template:
        return page(
            request,
            "contact_form.html",
            topics=await _topics(),
            channels=CHANNELS,
            form={"topic": topic, "channel": "email"},
            errors={},
        )

    @post("/", name="contact-submit", guards=[rate_limited("contact")])
    async def submit(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {key: str(value) for key, value in (await request.form()).items()}
        errors: dict[str, str] = {}
        if not form.get("privacy"):
            errors["privacy"] = "required"
        for required in ("topic", "question", "name", "email"):
            if not form.get(required, "").strip():
                errors[required] = "required"
        if not errors:
            language = page_language(request)
            body = {
                "topic": form.get("topic", ""),
                "question": form.get("question", ""),
                "channel": form.get("channel", "email"),
                "language": language,
                "customer": {
                    "name": form.get("name", ""),
                    "email": form.get("email", ""),
                    "phone": text_field(form, "phone"),
                    "company": text_field(form, "company"),
                    "business_id": text_field(form, "business_id"),
                    "language": language,
                },
            }
            try:
                view = await submit_from(
                    msgspec.convert(body, ContactRequestIn), settings, clock.now()
                )
            except msgspec.ValidationError as error:
                errors = from_msgspec_error(error, "question")
            except DomainError as error:
                errors = from_domain_error(error, "question")
            else:
                sent = request.app.route_reverse("contact-sent", reference=view.reference)
                return Redirect(sent, status_code=303)
        return page(
            request,
            "contact_form.html",
            status_code=422,
            topics=await _topics(),
            channels=CHANNELS,
            form={name: form.get(name, "") for name in (*_FIELDS, "privacy")},
            errors=errors,
        )

    @get("/sent/{reference:str}", name="contact-sent")
    async def sent(self, request: Request[Any, Any, Any], reference: FromPath[str]) -> Template:
        # Shows only what the customer just sent: reference, topic and the due time.
        view = await contact_requests.get(reference)
        return page(request, "contact_sent.html", headers=NO_REFERRER, request_view=view)


class FeedbackPages(Controller):
    path = "/feedback/{reference:str}/{token:str}"
    include_in_schema = False
    guards = (rate_limited("manage"),)  # the link's token opens the form

    async def _page(
        self,
        request: Request[Any, Any, Any],
        settings: Settings,
        clock: Clock,
        reference: str,
        token: str,
        *,
        form: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
        done: bool = False,
    ) -> Template:
        found = await feedback.invitation(settings, reference, token, clock.now())
        service = await get_service_by_id(found.service_id)
        return page(
            request,
            "feedback_form.html",
            headers=NO_REFERRER,
            status_code=status_code,
            invitation=found,
            service=service,
            questions=QUESTIONS[page_language(request)],
            form=form,
            errors=errors,
            done=done,
            action=request.url.path,
        )

    @get("/", name="feedback-form")
    async def form(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._page(
            request, settings, clock, reference, token, form={}, errors={}, done=bool(done)
        )

    @post("/", name="feedback-answer")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        token: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        form = {key: str(value) for key, value in (await request.form()).items()}

        def score(name: str) -> int | None:
            value = form.get(name, "")
            return int(value) if value.isdigit() else None

        try:
            await feedback.answer(
                settings,
                reference,
                token,
                (score("needs_met"), score("communication"), form.get("comment", "")),
                clock.now(),
            )
        except DomainError as error:
            if error.errors:
                return await self._page(
                    request,
                    settings,
                    clock,
                    reference,
                    token,
                    form=form,
                    errors=from_domain_error(error, "needs_met"),
                    status_code=422,
                )
            raise
        return Redirect(f"{request.url.path}?done=1", status_code=303)
