"""Reads what a service-quality report is computed from, for the agencies the caller may see,
and computes it (`booking.reports.figures` holds the figures themselves)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from booking.bookings.slots import search_slots
from booking.catalogue.services import ServiceInfo, list_services
from booking.engine.availability import ExpertSchedule, Interval, LocalHours
from booking.quality.service_hours import service_hours_of
from booking.quality.tables import ContactRequest, Feedback
from booking.reports.figures import (
    BookingRow,
    ContactRow,
    ExpertRow,
    FeedbackRow,
    Period,
    Report,
    ReportRows,
    ServiceRow,
    compute_report,
)
from booking.tables import Booking
from booking.waitlist.counts import offer_counts
from calendars.absences import absences_between
from calendars.agencies import agency_slugs
from calendars.bookable_experts import active_advisors_of
from calendars.directory import AgencyView, agencies_for, agency_id, check_agency_scope
from calendars.schedules import TimeRange, load_working_calendars
from luukku.problems import NotAllowed
from staff.accounts import StaffMember

# The first free slot is searched a fortnight at a time, so a busy service costs more
# queries only when its first weeks are full.
_SEARCH_WINDOW = timedelta(days=14)


async def report_agencies(member: StaffMember, slug: str | None) -> list[AgencyView]:
    """The agencies a report covers: the one named (within the caller's scope: 403 for
    another's, 404 for an unknown one), else all the caller administers."""
    if slug is not None:
        check_agency_scope(member, await agency_id(slug))
    mine = await agencies_for(member)
    if not mine:
        raise NotAllowed("Reports are for the administrators of an agency.")
    return [agency for agency in mine if slug in (None, agency.slug)]


async def _bookings(agency_ids: list[int], start: datetime, end: datetime) -> list[BookingRow]:
    rows = await Booking.select(
        Booking.service.slug.as_alias("service_slug"),
        Booking.service._.agency._.slug.as_alias("agency_slug"),
        Booking.expert,
        Booking.channel,
        Booking.starts_at,
        Booking.ends_at,
        Booking.status,
        Booking.outcome,
    ).where(
        Booking.service._.agency.is_in(agency_ids)
        & (Booking.starts_at >= start)
        & (Booking.starts_at < end)
    )
    return [
        BookingRow(
            service=row["service_slug"],
            agency=row["agency_slug"],
            expert_id=row["expert"],
            channel=row["channel"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            status=row["status"],
            outcome=row["outcome"],
        )
        for row in rows
    ]


def _hours(ranges: tuple[TimeRange, ...]) -> tuple[LocalHours, ...]:
    return tuple(LocalHours(start, end) for start, end in ranges)


async def _experts(
    agencies: Sequence[AgencyView], booked: set[int], start: datetime, end: datetime
) -> list[ExpertRow]:
    """The agencies' active advisors and whoever has bookings of their services, each with
    their working calendar; absences only (busy times of own calendars are working time)."""
    profiles = await active_advisors_of([agency.id for agency in agencies], also=booked)
    if not profiles:
        return []
    calendars = await load_working_calendars(profiles, start, end)
    absences: dict[int, list[Interval]] = {}
    for away in await absences_between([profile.id for profile in profiles], start, end):
        absences.setdefault(away.expert_id, []).append(Interval(away.start, away.end))
    # A booked expert may have moved to another agency since.
    slugs = await agency_slugs(p.agency_id for p in profiles)
    return [
        ExpertRow(
            id=profile.id,
            name=profile.name,
            agency=slugs[profile.agency_id],
            schedule=ExpertSchedule(
                expert_id=profile.id,
                timezone=calendars[profile.id].timezone,
                weekly={day: _hours(r) for day, r in calendars[profile.id].weekly.items()},
                overrides={day: _hours(r) for day, r in calendars[profile.id].overrides.items()},
                holidays=calendars[profile.id].holidays,
                absences=tuple(absences.get(profile.id, ())),
            ),
        )
        for profile in profiles
    ]


async def first_free_start(service: ServiceInfo, now: datetime) -> datetime | None:
    """The first start the public slot search offers for `service` from `now` on, within its
    booking horizon; None when there is none."""
    horizon_end = now + timedelta(days=service.horizon_days)
    window = now
    while window < horizon_end:
        window_end = min(window + _SEARCH_WINDOW, horizon_end)
        slots = await search_slots(service.slug, window, window_end, now)
        if slots:
            return slots[0].start
        window = window_end
    return None


async def _services(agency_ids: list[int], now: datetime) -> list[ServiceRow]:
    return [
        ServiceRow(
            slug=service.slug,
            agency=service.agency_slug,
            names={"fi": service.name.fi, "sv": service.name.sv, "en": service.name.en},
            first_free_start=await first_free_start(service, now),
        )
        for service in await list_services()
        if service.agency_id in agency_ids
    ]


async def _contacts(agency_ids: list[int], start: datetime, end: datetime) -> list[ContactRow]:
    rows = await ContactRequest.select(
        ContactRequest.agency.slug.as_alias("agency_slug"),
        ContactRequest.created_at,
        ContactRequest.due_at,
        ContactRequest.answered_at,
    ).where(
        ContactRequest.agency.is_in(agency_ids)
        & (ContactRequest.created_at >= start)
        & (ContactRequest.created_at < end)
    )
    return [
        ContactRow(
            agency=row["agency_slug"],
            created_at=row["created_at"],
            due_at=row["due_at"],
            answered_at=row["answered_at"],
        )
        for row in rows
    ]


async def _feedback(agency_ids: list[int], start: datetime, end: datetime) -> list[FeedbackRow]:
    rows = await Feedback.select(Feedback.needs_met, Feedback.communication).where(
        Feedback.booking._.service._.agency.is_in(agency_ids)
        & (Feedback.booking.starts_at >= start)
        & (Feedback.booking.starts_at < end)
    )
    return [FeedbackRow(row["needs_met"], row["communication"]) for row in rows]


async def report_rows(
    agencies: Sequence[AgencyView], period: Period, now: datetime, agency: str | None
) -> ReportRows:
    """Everything the report of `agencies` over `period` is computed from, read at `now`."""
    ids = [a.id for a in agencies]
    start, end = period.instants
    bookings = await _bookings(ids, start, end)
    hours = await service_hours_of(ids)
    return ReportRows(
        period=period,
        now=now,
        agency=agency,
        bookings=bookings,
        experts=await _experts(agencies, {b.expert_id for b in bookings}, start, end),
        services=await _services(ids, now),
        contacts=await _contacts(ids, start, end),
        agency_hours={a.slug: hours[a.id] for a in agencies if a.id in hours},
        feedback=await _feedback(ids, start, end),
        waitlist_offers=await offer_counts(
            [service.id for service in await list_services() if service.agency_id in ids],
            start,
            end,
        ),
    )


async def build_report(
    member: StaffMember, period: Period, agency: str | None, now: datetime
) -> Report:
    """The report the caller asked for: one agency (within their scope) or all theirs."""
    agencies = await report_agencies(member, agency)
    return compute_report(await report_rows(agencies, period, now, agency))
