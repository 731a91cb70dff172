"""Service-quality report figures: pure functions from plain rows to a `Report`.

No database and no clock: `booking.reports.loading` reads the rows and passes `now`, so the
figures are tested on rows written by hand. Periods are local dates (end inclusive) in the
report's zone; every instant is aware UTC.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from booking.engine.availability import ExpertSchedule, Interval, working_intervals
from booking.engine.working_time import ServiceHours
from calendars.holidays import finnish_holidays
from luukku.instants import bounded_date
from luukku.problems import InvalidInput

DEFAULT_SERVICE_HOURS = ServiceHours(holidays=finnish_holidays)
"""An agency's hours before it sets its own: Monday to Friday 8–16, holidays closed."""
MAX_PERIOD_DAYS = 366
QUESTIONS = ("needs_met", "communication")
"""The two city-wide satisfaction questions, each answered 1–5."""
SCALE = ("1", "2", "3", "4", "5")
DEFINITIONS = {
    "bookings": (
        "Bookings not cancelled, by the ISO week (Europe/Helsinki) of the appointment's start;"
        " all_bookings also counts cancelled ones."
    ),
    "utilisation": (
        "Minutes of the expert's bookings not cancelled that start in the period, divided by"
        " the expert's working minutes in the period (weekly hours and date overrides, minus"
        " absences and Finnish public holidays), as a percentage."
    ),
    "first_free_slot": (
        "Days from the moment the report was made to the first free start of the service,"
        " one decimal; null when none is free within the service's booking horizon."
    ),
    "cancellation_rate": (
        "Cancelled bookings divided by all bookings starting in the period, as a percentage."
    ),
    "no_show_rate": (
        "Bookings marked no_show divided by bookings starting in the period whose outcome is"
        " marked (completed or no_show), as a percentage."
    ),
    "contact_requests": (
        "Contact requests created in the period. within_due_percent: answered by their due"
        " time (24 working hours) divided by those answered or already past due unanswered."
        " Median answer time in the agency's working hours, of answered requests."
    ),
    "waitlist": (
        "Waitlist offers made in the period (a freed time held for the first in line), how many"
        " were accepted, and how many lapsed unaccepted and passed to the next in line."
    ),
    "satisfaction": (
        "Feedback of bookings starting in the period: answers, average (two decimals) and the"
        " count of each answer 1 to 5, per question."
    ),
}


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates `start`..`end`, end inclusive, in `zone`."""

    start: date
    end: date
    zone: str = "Europe/Helsinki"

    @classmethod
    def parse(cls, start: str | None, end: str | None, zone: str = "Europe/Helsinki") -> Period:
        """`YYYY-MM-DD` dates checked: both given, end not before start, at most 366 days;
        InvalidInput naming the field otherwise."""
        days = {}
        for name, text in (("start", start), ("end", end)):
            if not text:
                raise InvalidInput.field(name, "is required (YYYY-MM-DD)")
            try:
                days[name] = date.fromisoformat(text)
            except ValueError as exc:
                raise InvalidInput.field(name, "is not a date (YYYY-MM-DD)") from exc
            if len(text) != 10:
                raise InvalidInput.field(name, "is not a date (YYYY-MM-DD)")
            bounded_date(days[name], name)
        if days["end"] < days["start"]:
            raise InvalidInput.field("end", "must not be before start")
        if (days["end"] - days["start"]).days + 1 > MAX_PERIOD_DAYS:
            raise InvalidInput.field("end", f"a report covers at most {MAX_PERIOD_DAYS} days")
        return cls(days["start"], days["end"], zone)

    @property
    def instants(self) -> tuple[datetime, datetime]:
        """The period as a half-open UTC range."""
        zone = ZoneInfo(self.zone)
        return (
            datetime.combine(self.start, time(), zone).astimezone(UTC),
            datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC),
        )

    def weeks(self) -> list[str]:
        """The ISO weeks the period touches, in order: `2026-W48`."""
        found: list[str] = []
        day = self.start
        while day <= self.end:
            week = iso_week(day)
            if week not in found:
                found.append(week)
            day += timedelta(days=1)
        return found


# Rows as the loading queries give them.


@dataclass(frozen=True, slots=True)
class BookingRow:
    service: str
    agency: str
    expert_id: int
    channel: str
    starts_at: datetime
    ends_at: datetime
    status: str
    """`confirmed` or `cancelled`."""
    outcome: str = ""
    """`completed`, `no_show` or empty (not marked)."""


@dataclass(frozen=True, slots=True)
class ExpertRow:
    id: int
    name: str
    agency: str
    schedule: ExpertSchedule
    """Weekly hours, date overrides, holidays and absences (reservations are not needed)."""


@dataclass(frozen=True, slots=True)
class ServiceRow:
    slug: str
    agency: str
    names: Mapping[str, str]
    first_free_start: datetime | None
    """The first free start found from the report's `now` within the service's horizon."""


@dataclass(frozen=True, slots=True)
class ContactRow:
    agency: str
    created_at: datetime
    due_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    needs_met: int
    communication: int


@dataclass(frozen=True, slots=True)
class ReportRows:
    """Everything a report is computed from."""

    period: Period
    now: datetime
    agency: str | None
    """The agency reported on; None for all agencies."""
    bookings: Sequence[BookingRow] = ()
    experts: Sequence[ExpertRow] = ()
    services: Sequence[ServiceRow] = ()
    contacts: Sequence[ContactRow] = ()
    agency_hours: Mapping[str, ServiceHours] = field(default_factory=dict)
    feedback: Sequence[FeedbackRow] = ()
    waitlist_offers: Mapping[str, int] = field(default_factory=dict)
    """Waitlist offers made in the period, by what became of them (`made` for all)."""


# The report.


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week: str
    bookings: int
    all_bookings: int
    by_service: dict[str, int]
    by_channel: dict[str, int]
    by_agency: dict[str, int]


@dataclass(frozen=True, slots=True)
class ExpertUtilisation:
    expert_id: int
    name: str
    agency: str
    booked_minutes: int
    working_minutes: int
    utilisation_percent: float | None


@dataclass(frozen=True, slots=True)
class FirstFreeSlot:
    service: str
    agency: str
    names: dict[str, str]
    first_free_start: datetime | None
    days: float | None


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    of: int
    percent: float | None


@dataclass(frozen=True, slots=True)
class ContactFigures:
    created: int
    answered: int
    answered_within_due: int
    past_due_unanswered: int
    within_due_percent: float | None
    """Of `answered + past_due_unanswered`."""
    median_answer_working_hours: float | None


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    question: str
    answers: int
    average: float | None
    distribution: dict[str, int]


@dataclass(frozen=True, slots=True)
class WaitlistFigures:
    offers_made: int
    accepted: int
    lapsed: int


@dataclass(frozen=True, slots=True)
class Report:
    start: date
    end: date
    timezone: str
    agency: str | None
    generated_at: datetime
    weeks: list[WeekFigures]
    utilisation: list[ExpertUtilisation]
    first_free_slots: list[FirstFreeSlot]
    cancellation_rate: Rate
    no_show_rate: Rate
    contact_requests: ContactFigures
    satisfaction: list[QuestionFigures]
    definitions: dict[str, str]
    waitlist: WaitlistFigures


def rounded(value: float | Decimal, places: int) -> float:
    """Half up, as people round by hand (Python's `round` rounds half to even)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def percent(count: int, of: int) -> float | None:
    return rounded(Decimal(count) * 100 / Decimal(of), 1) if of else None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_figures(bookings: Iterable[BookingRow], period: Period) -> list[WeekFigures]:
    """Bookings per ISO week of the local start date: every week the period touches."""
    zone = ZoneInfo(period.zone)
    weeks = period.weeks()
    kept: dict[str, list[BookingRow]] = defaultdict(list)
    every: Counter[str] = Counter()
    for booking in bookings:
        week = iso_week(booking.starts_at.astimezone(zone).date())
        every[week] += 1
        if booking.status != "cancelled":
            kept[week].append(booking)
    return [
        WeekFigures(
            week=week,
            bookings=len(kept[week]),
            all_bookings=every[week],
            by_service=dict(sorted(Counter(b.service for b in kept[week]).items())),
            by_channel=dict(sorted(Counter(b.channel for b in kept[week]).items())),
            by_agency=dict(sorted(Counter(b.agency for b in kept[week]).items())),
        )
        for week in weeks
    ]


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, interval.end))
        else:
            merged.append(interval)
    return merged


def working_time(schedule: ExpertSchedule, start: datetime, end: datetime) -> timedelta:
    """The expert's working hours within [start, end) (the availability engine's reading of
    weekly hours, overrides and holidays) minus the absences."""
    working = _merged(
        Interval(max(i.start, start), min(i.end, end))
        for i in working_intervals(schedule, start, end)
        if i.start < end and start < i.end
    )
    away = _merged(schedule.absences)
    total = timedelta()
    for interval in working:
        total += interval.end - interval.start
        for absence in away:
            overlap = min(interval.end, absence.end) - max(interval.start, absence.start)
            if overlap > timedelta():
                total -= overlap
    return total


def utilisation(
    experts: Iterable[ExpertRow], bookings: Iterable[BookingRow], period: Period
) -> list[ExpertUtilisation]:
    """Booked minutes over working minutes, per expert, in name order."""
    start, end = period.instants
    booked: Counter[int] = Counter()
    for booking in bookings:
        if booking.status != "cancelled":
            booked[booking.expert_id] += _minutes(booking.ends_at - booking.starts_at)
    figures = []
    for expert in sorted(experts, key=lambda e: (e.name, e.id)):
        working = _minutes(working_time(expert.schedule, start, end))
        figures.append(
            ExpertUtilisation(
                expert_id=expert.id,
                name=expert.name,
                agency=expert.agency,
                booked_minutes=booked[expert.id],
                working_minutes=working,
                utilisation_percent=percent(booked[expert.id], working),
            )
        )
    return figures


def first_free_slots(services: Iterable[ServiceRow], now: datetime) -> list[FirstFreeSlot]:
    """Days from `now` to each service's first free start, one decimal."""
    return [
        FirstFreeSlot(
            service=service.slug,
            agency=service.agency,
            names=dict(service.names),
            first_free_start=service.first_free_start,
            days=(
                None
                if service.first_free_start is None
                else rounded(Decimal((service.first_free_start - now).total_seconds()) / 86400, 1)
            ),
        )
        for service in sorted(services, key=lambda s: s.slug)
    ]


def cancellation_rate(bookings: Sequence[BookingRow]) -> Rate:
    cancelled = sum(1 for b in bookings if b.status == "cancelled")
    return Rate(count=cancelled, of=len(bookings), percent=percent(cancelled, len(bookings)))


def no_show_rate(bookings: Sequence[BookingRow]) -> Rate:
    marked = [b for b in bookings if b.outcome in ("completed", "no_show")]
    missed = sum(1 for b in marked if b.outcome == "no_show")
    return Rate(count=missed, of=len(marked), percent=percent(missed, len(marked)))


def contact_figures(
    contacts: Sequence[ContactRow], hours: Mapping[str, ServiceHours], now: datetime
) -> ContactFigures:
    """The 24-working-hour promise: answered by the due time, of those answered or overdue."""
    answered = [c for c in contacts if c.answered_at is not None]
    overdue = [c for c in contacts if c.answered_at is None and c.due_at <= now]
    within = [c for c in answered if c.answered_at is not None and c.answered_at <= c.due_at]
    waits = [
        hours.get(c.agency, ServiceHours(holidays=finnish_holidays)).between(
            c.created_at, c.answered_at
        )
        for c in answered
        if c.answered_at is not None
    ]
    median = (
        rounded(Decimal(statistics.median(w.total_seconds() for w in waits)) / 3600, 2)
        if waits
        else None
    )
    return ContactFigures(
        created=len(contacts),
        answered=len(answered),
        answered_within_due=len(within),
        past_due_unanswered=len(overdue),
        within_due_percent=percent(len(within), len(answered) + len(overdue)),
        median_answer_working_hours=median,
    )


def satisfaction(feedback: Sequence[FeedbackRow]) -> list[QuestionFigures]:
    figures = []
    for question in QUESTIONS:
        answers = [int(getattr(row, question)) for row in feedback]
        counts = Counter(str(answer) for answer in answers)
        figures.append(
            QuestionFigures(
                question=question,
                answers=len(answers),
                average=rounded(Decimal(sum(answers)) / len(answers), 2) if answers else None,
                distribution={grade: counts[grade] for grade in SCALE},
            )
        )
    return figures


def compute_report(rows: ReportRows) -> Report:
    """Every figure of the report from its rows; bookings outside the period are ignored."""
    start, end = rows.period.instants
    bookings = [b for b in rows.bookings if start <= b.starts_at < end]
    contacts = [c for c in rows.contacts if start <= c.created_at < end]
    return Report(
        start=rows.period.start,
        end=rows.period.end,
        timezone=rows.period.zone,
        agency=rows.agency,
        generated_at=rows.now,
        weeks=week_figures(bookings, rows.period),
        utilisation=utilisation(rows.experts, bookings, rows.period),
        first_free_slots=first_free_slots(rows.services, rows.now),
        cancellation_rate=cancellation_rate(bookings),
        no_show_rate=no_show_rate(bookings),
        contact_requests=contact_figures(contacts, rows.agency_hours, rows.now),
        satisfaction=satisfaction(rows.feedback),
        definitions=dict(DEFINITIONS),
        waitlist=WaitlistFigures(
            offers_made=rows.waitlist_offers.get("made", 0),
            accepted=rows.waitlist_offers.get("accepted", 0),
            lapsed=rows.waitlist_offers.get("lapsed", 0),
        ),
    )
