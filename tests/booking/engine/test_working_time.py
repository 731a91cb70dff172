"""24 working hours, computed: weekends, Finnish public holidays and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.engine.working_time import ServiceHours, WeeklyHours
from calendars.holidays import finnish_holidays

HELSINKI = ZoneInfo("Europe/Helsinki")
DAY_HOURS = timedelta(hours=24)
HOURS = ServiceHours(holidays=finnish_holidays)  # Monday to Friday 8–16, holidays closed


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        # Monday 10:00: three full 8-hour days later, Thursday 10:00.
        ("2026-11-23T10:00", "2026-11-26T10:00"),
        # Friday 14:00: 2 h on Friday, Monday and Tuesday, 6 h on Wednesday.
        ("2026-11-27T14:00", "2026-12-02T14:00"),
        # Saturday: the clock starts on Monday morning.
        ("2026-11-28T11:00", "2026-12-02T16:00"),
        # Before opening counts from 8:00, after closing from the next morning.
        ("2026-11-23T06:30", "2026-11-25T16:00"),
        ("2026-11-23T18:00", "2026-11-26T16:00"),
        # Wednesday 2026-12-23 afternoon: Christmas Eve, Christmas Day and Boxing Day are
        # holidays, then the weekend; 2 h on the 23rd, then Mon 28, Tue 29 and 6 h on Wed 30.
        ("2026-12-23T14:00", "2026-12-30T14:00"),
        # Across New Year's Day (Friday) and Epiphany (Wednesday 2027-01-06).
        ("2026-12-31T12:00", "2027-01-07T12:00"),
        # Easter 2027 on the spring DST weekend: Good Friday 26 March and Easter Monday
        # 29 March are holidays; clocks go forward on Sunday 28 March. 4 h on Thursday,
        # Tuesday and Wednesday in full, 4 h on Thursday 1 April.
        ("2027-03-25T12:00", "2027-04-01T12:00"),
        # The autumn change (Sunday 2026-10-25) keeps wall-clock hours.
        ("2026-10-23T15:00", "2026-10-28T15:00"),
    ],
)
def test_due_time_is_24_working_hours_later_in_local_wall_clock_time(asked: str, due: str) -> None:
    assert HOURS.add(local(asked), DAY_HOURS) == local(due)


def test_the_spring_dst_week_has_24_working_hours_in_three_wall_clock_days() -> None:
    # 2027-03-30 to 04-01 (Tue–Thu) after Easter and DST: still 8 h a day, not 7 or 9.
    start, end = local("2027-03-30T08:00"), local("2027-04-01T16:00")
    assert HOURS.between(start, end) == DAY_HOURS
    assert end - start == timedelta(hours=56)


def test_agency_hours_and_holidays_are_the_agencys_own() -> None:
    # A police licence desk open on Saturday mornings and on public holidays too.
    desk = ServiceHours(weekly=(WeeklyHours(5, time(9), time(13)),))
    # Saturday 2026-12-26 (Boxing Day) counts: 4 h per Saturday, six Saturdays.
    assert desk.add(local("2026-12-26T09:00"), DAY_HOURS) == local("2027-01-30T13:00")


def test_no_hours_at_all_is_refused_rather_than_looping() -> None:
    with pytest.raises(ValueError, match="no working time"):
        ServiceHours(weekly=()).add(local("2026-11-23T10:00"), DAY_HOURS)


instants = st.datetimes(
    min_value=datetime(2026, 10, 1),  # noqa: DTZ001 - made aware below
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(start=instants, hours=st.integers(min_value=0, max_value=24 * 60))
def test_adding_then_measuring_gives_back_the_working_time(start: datetime, hours: int) -> None:
    amount = timedelta(minutes=hours)
    due = HOURS.add(start, amount)
    assert HOURS.between(start, due) == amount
    # The due time is a working instant: never on a weekend or outside 8–16.
    if amount:
        at = due.astimezone(HELSINKI)
        assert at.weekday() < 5
        assert time(8) < at.time() <= time(16)
