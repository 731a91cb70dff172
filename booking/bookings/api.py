"""Public booking API: service catalogue, slot search, bookings with the manage token."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from booking.bookings import lifecycle as bookings
from booking.bookings.lifecycle import BookingView
from booking.bookings.schemas import (
    AgencyOut,
    BookingCancel,
    BookingCreate,
    BookingOut,
    BookingReschedule,
    CustomerOut,
    ExpertOut,
    ServiceOut,
    SlotList,
    SlotOut,
)
from booking.bookings.slot_cache import SlotCache
from booking.bookings.slots import search_slots
from booking.catalogue.services import ServiceInfo, list_services
from luukku.clock import Clock
from luukku.languages import request_language
from luukku.problems import InvalidInput, NotAuthenticated
from luukku.replicas import replica_reads
from luukku.settings import Settings
from security.rate_limits import rate_limited

# Dates far outside any real booking would overflow datetime arithmetic.
SEARCHABLE_DATES = (date(2000, 1, 1), date(2999, 12, 31))


def search_range(
    start: date, end: date, zone: ZoneInfo, settings: Settings
) -> tuple[datetime, datetime]:
    """Local dates `start`..`end` (inclusive) as a UTC range, or InvalidInput naming the field."""
    for name, day in (("start", start), ("end", end)):
        if not SEARCHABLE_DATES[0] <= day <= SEARCHABLE_DATES[1]:
            raise InvalidInput.field(name, "is outside the calendar Luukku keeps")
    if end < start:
        raise InvalidInput.field("end", "must not be before start")
    if (end - start).days + 1 > settings.max_slot_range_days:
        raise InvalidInput.field(
            "end", f"a search covers at most {settings.max_slot_range_days} days"
        )
    return (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC),
    )


def _service_out(service: ServiceInfo, language: str) -> ServiceOut:
    return ServiceOut(
        slug=service.slug,
        name=service.name.get(language),
        description=service.description.get(language),
        duration_minutes=service.duration_minutes,
        channels=list(service.channels),
        languages=list(service.languages),
        topics=list(service.topics),
        agency=AgencyOut(slug=service.agency_slug, name=service.agency_name.get(language)),
    )


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput.field("tz", f"unknown time zone {name!r}") from exc


def booking_out(
    view: BookingView,
    settings: Settings,
    manage_token: str | None = None,
    *,
    for_expert: bool = False,
) -> BookingOut:
    """The booking as the customer (or, `for_expert`, its expert) sees it: the video link is
    the reader's own."""
    zone = ZoneInfo(view.timezone)
    customer = view.customer
    video_url = bookings.video_link(view, settings, for_expert=for_expert)
    return BookingOut(
        reference=view.reference,
        status=view.status,
        start=view.start.astimezone(zone),
        end=view.end.astimezone(zone),
        channel=view.channel,
        language=view.language,
        service=view.service_slug,
        expert=ExpertOut(id=view.expert_id, name=view.expert_name),
        customer=CustomerOut(
            name=customer.name,
            email=customer.email,
            phone=customer.phone or None,
            company=customer.company or None,
            business_id=customer.business_id or None,
            language=customer.language,
        ),
        message=view.message,
        video_url=video_url or None,
        cancel_reason=view.cancel_reason or None,
        manage_token=manage_token,
        manage_url=(
            f"{settings.public_base_url}/bookings/{view.reference}/manage?token={manage_token}"
            if manage_token
            else None
        ),
        outcome=(view.outcome or None) if for_expert else None,
    )


def _manage_token(request: Request) -> str:  # type: ignore[type-arg]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(
            "Send the booking's manage token as `Authorization: Bearer <token>`."
        )
    return token.strip()


class ServiceController(Controller):
    path = "/api/v1/services"
    tags = ("public",)  # type: ignore[assignment]

    @get("/", summary="The bookable service catalogue")
    async def catalogue(self, request: Request) -> list[ServiceOut]:  # type: ignore[type-arg]
        language = request_language(request)
        with replica_reads():
            services = await list_services()
        return [_service_out(service, language) for service in services]

    @get("/{slug:str}/slots", summary="Free start times of a service")
    async def slots(
        self,
        slug: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        slot_cache: NamedDependency[SlotCache],
        start: FromQuery[date],
        end: FromQuery[date],
        tz: Annotated[
            str | None, QueryParameter(description="IANA zone of dates and answers")
        ] = None,
        channel: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        expert: Annotated[int | None, QueryParameter(description="only this expert")] = None,
    ) -> SlotList:
        zone = zone_named(tz or settings.default_timezone)
        range_start, range_end = search_range(start, end, zone, settings)
        slots = await search_slots(
            slug, range_start, range_end, clock.now(), channel, language, expert, slot_cache
        )
        return SlotList(
            slots=[
                SlotOut(
                    start=slot.start.astimezone(zone),
                    end=slot.end.astimezone(zone),
                    experts=list(slot.expert_ids),
                )
                for slot in slots
            ]
        )


class BookingController(Controller):
    path = "/api/v1/bookings"
    tags = ("public",)  # type: ignore[assignment]

    @post("/", summary="Book a time", status_code=201, guards=[rate_limited("booking")])
    async def create(
        self,
        data: JSONBody[BookingCreate],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> BookingOut:
        created = await bookings.create_booking(data, settings, clock.now())
        return booking_out(created.booking, settings, created.manage_token)

    @get(
        "/{reference:str}",
        summary="A booking, with its manage token",
        guards=[rate_limited("manage")],
    )
    async def read(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> BookingOut:
        view = await bookings.get_booking(reference, _manage_token(request), clock.now())
        return booking_out(view, settings)

    @post(
        "/{reference:str}/cancel",
        summary="Cancel a booking",
        status_code=200,
        guards=[rate_limited("manage")],
    )
    async def cancel(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        data: JSONBody[BookingCancel | None] = None,
    ) -> BookingOut:
        reason = data.reason if data else None
        view = await bookings.cancel_booking(
            reference, _manage_token(request), reason, settings, clock.now()
        )
        return booking_out(view, settings)

    @post(
        "/{reference:str}/reschedule",
        summary="Move a booking",
        status_code=200,
        guards=[rate_limited("manage")],
    )
    async def reschedule(
        self,
        request: Request,  # type: ignore[type-arg]
        reference: FromPath[str],
        data: JSONBody[BookingReschedule],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> BookingOut:
        view = await bookings.reschedule_booking(
            reference, _manage_token(request), data.start, settings, clock.now()
        )
        return booking_out(view, settings)
