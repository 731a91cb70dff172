"""The report's pure core on rows written by hand: no database, no clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.engine.availability import ExpertSchedule, Interval, LocalHours
from booking.engine.working_time import ServiceHours
from booking.reports.figures import (
    BookingRow,
    ContactRow,
    Period,
    contact_figures,
    rounded,
    week_figures,
    working_time,
)
from calendars.holidays import finnish_holidays
from luukku.problems import InvalidInput

NINE_TO_FOUR = {day: (LocalHours(time(9), time(16)),) for day in range(5)}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_working_time_leaves_out_holidays_and_counts_overlapping_absences_once():
    schedule = ExpertSchedule(
        expert_id=1,
        timezone="Europe/Helsinki",
        weekly=NINE_TO_FOUR,
        holidays=finnish_holidays(date(2026, 12, 1), date(2026, 12, 31)),
        # Two overlapping absences on Tuesday 1.12., 10–12 and 11–13 Helsinki: 3 h in all.
        absences=(
            Interval(utc("2026-12-01 08:00"), utc("2026-12-01 10:00")),
            Interval(utc("2026-12-01 09:00"), utc("2026-12-01 11:00")),
        ),
    )
    # Monday 30.11. to Sunday 6.12. (Independence Day is a Sunday): five days of 7 h.
    start, end = Period(date(2026, 11, 30), date(2026, 12, 6)).instants

    assert working_time(schedule, start, end) == timedelta(hours=5 * 7 - 3)


def test_working_time_keeps_a_date_override_and_clips_to_the_period():
    schedule = ExpertSchedule(
        expert_id=1,
        timezone="Europe/Helsinki",
        weekly=NINE_TO_FOUR,
        overrides={date(2026, 12, 5): (LocalHours(time(10), time(12)),)},  # a Saturday
    )
    start, end = Period(date(2026, 12, 5), date(2026, 12, 5)).instants

    assert working_time(schedule, start, end) == timedelta(hours=2)


def test_rounding_is_half_up():
    assert rounded(0.05, 1) == 0.1
    assert rounded(2.675, 2) == 2.68
    assert rounded(0.25, 1) == 0.3


def test_weeks_are_iso_weeks_of_the_helsinki_date_across_the_new_year():
    period = Period(date(2026, 12, 27), date(2027, 1, 4))
    late_sunday = BookingRow(
        service="s",
        agency="a",
        expert_id=1,
        channel="phone",
        starts_at=utc("2027-01-03 22:30"),  # Monday 4.1. at 00.30 in Helsinki
        ends_at=utc("2027-01-03 23:30"),
        status="confirmed",
    )

    weeks = week_figures([late_sunday], period)

    assert [(w.week, w.bookings) for w in weeks] == [
        ("2026-W52", 0),
        ("2026-W53", 0),
        ("2027-W01", 1),
    ]


def test_an_answer_at_the_due_time_is_in_time_and_open_requests_not_yet_due_do_not_count():
    due = utc("2026-12-02 08:00")
    contacts = [
        ContactRow("a", utc("2026-11-30 08:00"), due, due),
        ContactRow("a", utc("2026-11-30 08:00"), due, None),
    ]

    figures = contact_figures(
        contacts, {"a": ServiceHours(holidays=finnish_holidays)}, now=due - timedelta(minutes=1)
    )

    assert (figures.answered_within_due, figures.past_due_unanswered) == (1, 0)
    assert figures.within_due_percent == 100.0
    # Monday 10–16, Tuesday 8–16 and Wednesday 8–10 Helsinki on the default hours.
    assert figures.median_answer_working_hours == 16.0


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-12-01", "2026-11-30", "end"),
        ("20261201", "2026-12-02", "start"),
        ("2026-12-01", None, "end"),
        ("2026-01-01", "2027-01-02", "end"),
    ],
)
def test_a_bad_period_names_the_field(start: str, end: str | None, field: str):
    with pytest.raises(InvalidInput) as refused:
        Period.parse(start, end)

    assert [error.field for error in refused.value.errors] == [field]
