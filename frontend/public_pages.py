"""Public pages: the catalogue, a service's free times, the booking form and the confirmation.

Every handler calls the same use cases as the JSON API (`booking.catalogue.services`,
`booking.bookings.slots`, `booking.bookings.lifecycle`);
nothing here decides what is free or bookable.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from booking.bookings.customers import clean_customer
from booking.bookings.lifecycle import create_booking
from booking.bookings.schemas import BookingCreate
from booking.bookings.slot_cache import SlotCache
from booking.bookings.slots import search_slots
from booking.bookings.suggestions import first_free_starts, nearest_free_slots
from booking.catalogue.directory import search_services
from booking.catalogue.services import ServiceInfo, eligible_experts, get_service
from booking.engine.availability import Slot
from booking.holds.holding import HeldTime, book_with_hold
from frontend.form_errors import from_domain_error, from_msgspec_error, text_field
from frontend.formatting import local
from frontend.hold_pages import HOLD_COOKIE, forget_hold_cookie, held_for, release_browser_hold
from frontend.templating import page, page_language
from frontend.week import WEEK, by_day, chosen_week, days_of_week, week_range
from luukku.clock import Clock
from luukku.problems import DomainError, InvalidInput, SlotTaken
from luukku.settings import Settings
from security.rate_limits import rate_limited

NEXT_FREE_COUNT = 9
NEXT_FREE_SEARCH = timedelta(days=28)
CATALOGUE_SEARCH = timedelta(days=28)


class BookingFilters(msgspec.Struct, frozen=True):
    """What the customer chose on the service page; every slot link carries it on."""

    channel: str
    language: str
    expert: int | None

    def query(self) -> dict[str, Any]:
        values: dict[str, Any] = {"channel": self.channel, "language": self.language}
        if self.expert is not None:
            values["expert"] = self.expert
        return values


def _expert_id(value: str | None) -> int | None:
    """The expert picked in the filter; "" is the form's "any expert"."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _filters(
    service: ServiceInfo,
    page_lang: str,
    channel: str | None,
    language: str | None,
    expert: int | None,
) -> BookingFilters:
    """The customer's choices, defaulting to the page's language and the first channel."""
    if channel not in service.channels:
        channel = service.channels[0]
    if language not in service.languages:
        language = page_lang if page_lang in service.languages else service.languages[0]
    return BookingFilters(channel=channel, language=language, expert=expert)


async def _slots(
    service: ServiceInfo,
    filters: BookingFilters,
    start: datetime,
    end: datetime,
    now: datetime,
    cache: SlotCache | None = None,
) -> list[Slot]:
    return await search_slots(
        service.slug, start, end, now, filters.channel, filters.language, filters.expert, cache
    )


def _customer_errors(form: dict[str, str], language: str, channel: str) -> dict[str, str]:
    """Every problem of the customer's details at once, by the rules booking applies (a phone
    appointment needs a phone number)."""
    errors: dict[str, str] = {}
    if channel == "phone" and not text_field(form, "phone"):
        errors["phone"] = "required"
    try:
        clean_customer(
            name=form.get("name", ""),
            email=form.get("email", ""),
            phone=text_field(form, "phone"),
            company=text_field(form, "company"),
            business_id=text_field(form, "business_id"),
            language=language,
        )
    except InvalidInput as error:
        return {**errors, **from_domain_error(error, "name")}
    return errors


def _booking_body(
    form: dict[str, str],
    service: ServiceInfo,
    filters: BookingFilters,
    start: datetime,
    customer_language: str,
    settings: Settings,
) -> dict[str, Any]:
    """The form as the API's booking request, so both are checked by the same Struct."""
    return {
        "service": service.slug,
        "start": start.isoformat(),
        "channel": filters.channel,
        "language": filters.language,
        "expert_id": filters.expert,
        "customer": {
            "name": form.get("name", ""),
            "email": form.get("email", ""),
            "phone": text_field(form, "phone"),
            "company": text_field(form, "company"),
            "business_id": text_field(form, "business_id"),
            "language": customer_language,
        },
        "message": text_field(form, "message"),
        "privacy_notice_version": settings.privacy_notice_version,
    }


def _held_here(held: HeldTime | None, service: ServiceInfo, start: datetime) -> HeldTime | None:
    """The browser's hold when it is of this form's time (another tab may hold another)."""
    if held is None or held.service_slug != service.slug or held.start != start:
        return None
    return held


def _hold_token(request: Request[Any, Any, Any]) -> str:
    return request.cookies.get(HOLD_COOKIE, "")


class CataloguePages(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="catalogue")
    async def catalogue(
        self, request: Request[Any, Any, Any], clock: NamedDependency[Clock], q: FromQuery[str] = ""
    ) -> Template:
        # The directory's search: inflected forms in fi/sv/en, services of a matching topic first.
        services = await search_services(q[:200])
        now = clock.now()
        return page(
            request,
            "catalogue.html",
            query=q,
            count=len(services),
            services=services,
            next_free=await first_free_starts(
                [service.slug for service in services],
                now,
                CATALOGUE_SEARCH,
                request.app.state.get("slot_cache"),
            ),
        )


class ServicePages(Controller):
    path = "/services/{slug:str}"
    include_in_schema = False

    @get("/", name="service")
    async def service(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        clock: NamedDependency[Clock],
        week: FromQuery[date | None] = None,
        channel: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        expert: FromQuery[str | None] = None,
        taken: FromQuery[str | None] = None,
    ) -> Template:
        service = await get_service(slug)
        now = clock.now()
        # Back on the free times: the time this browser held is given back (hold_pages.py).
        cookies = await release_browser_hold(request)
        filters = _filters(service, page_language(request), channel, language, _expert_id(expert))
        experts = await eligible_experts(service, filters.channel, filters.language)
        if filters.expert not in {None, *(e.id for e in experts)}:
            filters = msgspec.structs.replace(filters, expert=None)
        today = local(now).date()
        monday = chosen_week(week, today)
        week_start, week_end = week_range(monday)
        cache = request.app.state.get("slot_cache")
        slots = await _slots(service, filters, week_start, week_end, now, cache)
        # From midnight, so the slot cache keeps this search for the day (`now` filters).
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        next_free = (await _slots(service, filters, day, day + NEXT_FREE_SEARCH, now, cache))[
            :NEXT_FREE_COUNT
        ]
        return page(
            request,
            "service.html",
            headers={"Cache-Control": "no-store"},
            cookies=cookies,
            taken=taken,
            service=service,
            filters=filters,
            experts=experts,
            monday=monday,
            previous_week=monday - WEEK if monday > chosen_week(None, local(now).date()) else None,
            next_week=monday + WEEK,
            days=days_of_week(monday, slots, today),
            next_free=by_day(next_free),
            today=today,
            waitlist_until=monday + WEEK - timedelta(days=1),
        )

    @get("/book", name="booking-form")
    async def booking_form(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        start: FromQuery[datetime],
        channel: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        expert: FromQuery[str | None] = None,
    ) -> Template:
        service = await get_service(slug)
        filters = _filters(service, page_language(request), channel, language, _expert_id(expert))
        return page(
            request,
            "booking_form.html",
            headers={"Cache-Control": "no-store"},
            held=_held_here(await held_for(request, clock.now()), service, start),
            service=service,
            filters=filters,
            start=start,
            end=start + service.rules.duration,
            form={},
            errors={},
            privacy_notice_version=settings.privacy_notice_version,
            alternatives=[],
        )

    @post("/book", name="book", guards=[rate_limited("booking")])
    async def book(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        service = await get_service(slug)
        form = {key: str(value) for key, value in (await request.form()).items()}
        filters = _filters(
            service,
            page_language(request),
            form.get("channel"),
            form.get("language"),
            _expert_id(form.get("expert")),
        )
        try:
            start = datetime.fromisoformat(form.get("start", ""))
        except ValueError:
            raise InvalidInput.field("start", "not a time") from None
        errors = _customer_errors(form, filters.language, filters.channel)
        if not form.get("privacy"):
            errors["privacy"] = "required"
        if not errors:
            body = _booking_body(form, service, filters, start, page_language(request), settings)
            held = _held_here(await held_for(request, clock.now()), service, start)
            try:
                request_body = msgspec.convert(body, BookingCreate)
                created = await (
                    book_with_hold(
                        msgspec.structs.replace(request_body, hold_token=_hold_token(request)),
                        settings,
                        clock.now(),
                    )
                    if held is not None
                    else create_booking(request_body, settings, clock.now())
                )
            except msgspec.ValidationError as error:
                errors = from_msgspec_error(error, "start")
            except SlotTaken:
                errors = {"start": "taken"}
            except DomainError as error:
                errors = from_domain_error(error, "start")
            else:
                confirmation = request.app.route_reverse(
                    "confirmation", reference=created.booking.reference
                )
                return Redirect(
                    f"{confirmation}?token={created.manage_token}",
                    status_code=303,
                    cookies=[forget_hold_cookie()],
                )
        taken = errors.get("start") == "taken"
        alternatives = (
            await nearest_free_slots(
                service.slug, start, clock.now(), filters.channel, filters.language, filters.expert
            )
            if taken
            else []
        )
        return page(
            request,
            "booking_form.html",
            status_code=409 if taken else 422,
            alternatives=alternatives,
            held=_held_here(await held_for(request, clock.now()), service, start),
            service=service,
            filters=filters,
            start=start,
            end=start + service.rules.duration,
            form=form,
            errors=errors,
            privacy_notice_version=settings.privacy_notice_version,
        )
