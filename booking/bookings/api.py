"""Public booking API: service catalogue, slot search, bookings with the manage token."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from booking.bookings import lifecycle as bookings
from booking.bookings.answers import booking_out
from booking.bookings.schemas import (
    AgencyOut,
    BookingCancel,
    BookingCreate,
    BookingOut,
    BookingReschedule,
    ServiceOut,
    SlotList,
)
from booking.bookings.slot_answers import SlotAnswers
from booking.catalogue.directory import DirectoryListing, expert_directory, search_services
from booking.catalogue.schemas import DirectoryAgencyOut, DirectoryExpertOut, DirectoryOut, TopicOut
from booking.catalogue.services import ServiceInfo
from calendars.directory_search.search import DirectoryFilter
from luukku.bearer import bearer_token
from luukku.clock import Clock
from luukku.database import MAX_ROW_ID
from luukku.languages import request_language
from luukku.replicas import replica_reads
from luukku.settings import Settings
from security.rate_limits import rate_limited


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


def _manage_token(request: Request) -> str:  # type: ignore[type-arg]
    return bearer_token(request, "the booking's manage token")


class ServiceController(Controller):
    path = "/api/v1/services"
    tags = ("public",)  # type: ignore[assignment]

    @get("/", summary="The bookable service catalogue")
    async def catalogue(
        self,
        request: Request,  # type: ignore[type-arg]
        q: Annotated[str, QueryParameter(max_length=200, description="words in fi, sv or en")] = "",
    ) -> list[ServiceOut]:
        language = request_language(request)
        with replica_reads():
            services = await search_services(q)
        return [_service_out(service, language) for service in services]

    @get("/{slug:str}/slots", summary="Free start times of a service")
    async def slots(
        self,
        slug: FromPath[str],
        slot_answers: NamedDependency[SlotAnswers],
        start: FromQuery[date],
        end: FromQuery[date],
        tz: Annotated[
            str | None, QueryParameter(description="IANA zone of dates and answers")
        ] = None,
        channel: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        expert: Annotated[
            int | None,
            QueryParameter(description="only this expert", ge=1, le=MAX_ROW_ID),
        ] = None,
    ) -> Response[SlotList]:
        # One dependency: Litestar resolves several of them in a task group of their own.
        body = await slot_answers.answer(slug, start, end, tz, channel, language, expert)
        # The SlotList already encoded (booking/bookings/slot_answers.py).
        encoded: Response[Any] = Response(content=body, media_type=MediaType.JSON)
        return encoded


def _directory_out(listing: DirectoryListing, language: str) -> DirectoryExpertOut:
    expert = listing.expert
    return DirectoryExpertOut(
        id=expert.id,
        name=expert.name,
        agency=DirectoryAgencyOut(
            slug=expert.agency_slug,
            name=expert.agency_names.get(language) or expert.agency_names["fi"],
        ),
        topics=[TopicOut(slug=t.slug, name=t.name(language)) for t in expert.topics],
        languages=list(expert.languages),
        channels=list(expert.channels),
        bio=expert.bio.get(language) or expert.bio["fi"],
        services=[service.slug for service in listing.services],
    )


class ExpertDirectoryController(Controller):
    path = "/api/v1/experts"
    tags = ("public",)  # type: ignore[assignment]

    @get("/", summary="The expert directory", opt={"public": True})
    async def directory(
        self,
        request: Request,  # type: ignore[type-arg]
        q: Annotated[str, QueryParameter(max_length=200, description="words in fi, sv or en")] = "",
        topic: Annotated[str | None, QueryParameter(max_length=64)] = None,
        language: Annotated[str | None, QueryParameter(max_length=8)] = None,
        channel: Annotated[str | None, QueryParameter(max_length=16)] = None,
    ) -> DirectoryOut:
        wanted = DirectoryFilter(q=q, topic=topic, language=language, channel=channel)
        shown_in = request_language(request)
        return DirectoryOut(
            experts=[_directory_out(item, shown_in) for item in await expert_directory(wanted)]
        )


class BookingController(Controller):
    path = "/api/v1/bookings"
    tags = ("public",)  # type: ignore[assignment]

    @post(
        "/",
        summary="Book a time",
        status_code=201,
        guards=[rate_limited("booking")],
        opt={"problems": (409,)},
    )
    async def create(
        self,
        data: JSONBody[BookingCreate],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        held_booking: NamedDependency[bookings.HeldBooking],
    ) -> BookingOut:
        if data.hold_token:
            created = await held_booking(data, settings, clock.now())
        else:
            created = await bookings.create_booking(data, settings, clock.now())
        return booking_out(created.booking, settings, created.manage_token)

    @get(
        "/{reference:str}",
        summary="A booking, with its manage token",
        guards=[rate_limited("manage")],
        opt={"customer_token": True},
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
        opt={"customer_token": True, "problems": (409,)},
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
        opt={"customer_token": True, "problems": (409,)},
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
