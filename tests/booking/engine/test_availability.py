"""Behaviour of the pure availability engine: working hours across DST, grid, buffers and limits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.engine.availability import (
    ExpertSchedule,
    Interval,
    LocalHours,
    Refusal,
    Slot,
    SlotRules,
    check_start,
    free_among,
    free_starts,
    merge_slots,
    reserved_interval,
    working_intervals,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
NINE_TO_FOUR = (LocalHours(time(9), time(16)),)
MONDAY_TO_FRIDAY = {weekday: NINE_TO_FOUR for weekday in range(5)}
EVERY_DAY = {weekday: NINE_TO_FOUR for weekday in range(7)}
HALF_HOURS = SlotRules(
    duration=timedelta(minutes=30), interval=timedelta(minutes=30), horizon=timedelta(days=2000)
)
QUARTER_GRID = SlotRules(
    duration=timedelta(minutes=30), interval=timedelta(minutes=15), horizon=timedelta(days=2000)
)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
MONDAY = date(2026, 2, 2)  # winter time, UTC+2
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
SATURDAY = MONDAY + timedelta(days=5)
START_OF_MONDAY = datetime(2026, 2, 1, 22, tzinfo=UTC)


def helsinki(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a Helsinki wall-clock time."""
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(UTC)


def expert(
    weekly: Mapping[int, tuple[LocalHours, ...]] | None = None, **details: object
) -> ExpertSchedule:
    return ExpertSchedule(
        expert_id=1,
        timezone="Europe/Helsinki",
        weekly=MONDAY_TO_FRIDAY if weekly is None else weekly,
        **details,  # type: ignore[arg-type]
    )


def starts_on(
    schedule: ExpertSchedule, rules: SlotRules, day: date, now: datetime = LONG_AGO
) -> list[datetime]:
    """Free starts during one Helsinki local date."""
    return free_starts(schedule, rules, helsinki(day, 0), helsinki(day + timedelta(days=1), 0), now)


def every(first: datetime, last: datetime, step: timedelta) -> list[datetime]:
    found = []
    while first <= last:
        found.append(first)
        first += step
    return found


# --- working hours across DST, holidays and overrides -------------------------------------------


@pytest.mark.parametrize(
    ("day", "first_start_utc"),
    [
        (date(2026, 3, 28), datetime(2026, 3, 28, 7, tzinfo=UTC)),
        (date(2026, 3, 30), datetime(2026, 3, 30, 6, tzinfo=UTC)),
        (date(2026, 10, 24), datetime(2026, 10, 24, 6, tzinfo=UTC)),
        (date(2026, 10, 26), datetime(2026, 10, 26, 7, tzinfo=UTC)),
    ],
)
def test_first_start_is_nine_local_on_both_sides_of_2026_dst_changes(
    day: date, first_start_utc: datetime
) -> None:
    assert starts_on(expert(EVERY_DAY), HALF_HOURS, day)[0] == first_start_utc


def test_hours_on_the_spring_forward_day_are_read_in_summer_time() -> None:
    schedule = expert({6: (LocalHours(time(13), time(18)),)})
    day = date(2026, 3, 29)

    assert working_intervals(schedule, helsinki(day, 0), helsinki(day, 23)) == [
        Interval(datetime(2026, 3, 29, 10, tzinfo=UTC), datetime(2026, 3, 29, 15, tzinfo=UTC))
    ]
    assert starts_on(schedule, HALF_HOURS, day) == every(
        datetime(2026, 3, 29, 10, tzinfo=UTC),
        datetime(2026, 3, 29, 14, 30, tzinfo=UTC),
        timedelta(minutes=30),
    )


def test_wall_time_skipped_by_spring_forward_maps_forward() -> None:
    schedule = expert({6: (LocalHours(time(3, 30), time(6)),)})
    day = datetime(2026, 3, 29, tzinfo=UTC)

    # 03:30 does not exist in Helsinki that night; it is read as 04:30 summer time.
    assert working_intervals(schedule, day, day + timedelta(days=1)) == [
        Interval(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC))
    ]


def test_wall_time_repeated_by_fall_back_takes_its_first_occurrence() -> None:
    schedule = expert({6: (LocalHours(time(3, 30), time(6)),)})
    day = datetime(2026, 10, 25, tzinfo=UTC)

    assert working_intervals(schedule, day - timedelta(hours=3), day + timedelta(days=1)) == [
        Interval(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 4, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("day", "first_start_utc"),
    [
        (date(2027, 3, 28), datetime(2027, 3, 28, 6, tzinfo=UTC)),  # DST starts, Easter Sunday
        (date(2027, 10, 31), datetime(2027, 10, 31, 7, tzinfo=UTC)),  # DST ends
    ],
)
def test_nine_local_survives_2027_dst_changes(day: date, first_start_utc: datetime) -> None:
    schedule = expert(EVERY_DAY, holidays=frozenset({date(2027, 3, 29)}))

    assert starts_on(schedule, HALF_HOURS, day)[0] == first_start_utc


def test_easter_monday_holiday_has_no_starts() -> None:
    schedule = expert(EVERY_DAY, holidays=frozenset({date(2027, 3, 29)}))

    assert starts_on(schedule, HALF_HOURS, date(2027, 3, 29)) == []
    assert starts_on(schedule, HALF_HOURS, date(2027, 3, 30))[0] == datetime(
        2027, 3, 30, 6, tzinfo=UTC
    )


def test_override_opens_a_holiday_with_its_own_hours() -> None:
    easter_monday = date(2027, 3, 29)
    schedule = expert(
        EVERY_DAY,
        holidays=frozenset({easter_monday}),
        overrides={easter_monday: (LocalHours(time(10), time(12)),)},
    )

    assert starts_on(schedule, HALF_HOURS, easter_monday) == every(
        helsinki(easter_monday, 10), helsinki(easter_monday, 11, 30), timedelta(minutes=30)
    )


def test_holiday_closes_a_working_day() -> None:
    schedule = expert(holidays=frozenset({TUESDAY}))

    assert starts_on(schedule, HALF_HOURS, TUESDAY) == []
    assert starts_on(schedule, HALF_HOURS, WEDNESDAY) != []


def test_empty_override_closes_a_working_day() -> None:
    schedule = expert(overrides={TUESDAY: ()})

    assert starts_on(schedule, HALF_HOURS, TUESDAY) == []
    assert starts_on(schedule, HALF_HOURS, MONDAY) != []


def test_override_replaces_the_weekly_hours_of_its_date_only() -> None:
    schedule = expert(overrides={TUESDAY: (LocalHours(time(12), time(14)),)})

    assert starts_on(schedule, HALF_HOURS, TUESDAY) == every(
        helsinki(TUESDAY, 12), helsinki(TUESDAY, 13, 30), timedelta(minutes=30)
    )
    assert starts_on(schedule, HALF_HOURS, WEDNESDAY)[0] == helsinki(WEDNESDAY, 9)


def test_no_slot_spans_the_lunch_gap_between_two_intervals_of_a_day() -> None:
    split_day = (LocalHours(time(9), time(11)), LocalHours(time(12), time(16)))
    schedule = expert({0: split_day})
    hour_long = SlotRules(duration=timedelta(hours=1), interval=timedelta(minutes=30))

    starts = starts_on(schedule, hour_long, MONDAY, START_OF_MONDAY)

    assert starts == [
        *every(helsinki(MONDAY, 9), helsinki(MONDAY, 10), timedelta(minutes=30)),
        *every(helsinki(MONDAY, 12), helsinki(MONDAY, 15), timedelta(minutes=30)),
    ]
    assert check_start(schedule, hour_long, helsinki(MONDAY, 10, 30), START_OF_MONDAY) is (
        Refusal.OUTSIDE_HOURS
    )


def test_overlapping_rule_intervals_give_sorted_unique_starts_on_both_grids() -> None:
    schedule = expert({0: (LocalHours(time(9), time(12)), LocalHours(time(10, 10), time(13)))})
    hour_long = SlotRules(duration=timedelta(hours=1), interval=timedelta(hours=1))

    assert starts_on(schedule, hour_long, MONDAY, START_OF_MONDAY) == [
        helsinki(MONDAY, 9),
        helsinki(MONDAY, 10),
        helsinki(MONDAY, 10, 10),
        helsinki(MONDAY, 11),
        helsinki(MONDAY, 11, 10),
    ]
    assert all(
        check_start(schedule, hour_long, start, START_OF_MONDAY) is None
        for start in starts_on(schedule, hour_long, MONDAY, START_OF_MONDAY)
    )
    assert check_start(schedule, hour_long, helsinki(MONDAY, 10, 30), START_OF_MONDAY) is (
        Refusal.OFF_GRID
    )


# --- grid, buffers, absences ---------------------------------------------------------------------


def test_buffers_remove_exactly_the_starts_whose_reserved_interval_meets_a_reservation() -> None:
    buffered = SlotRules(
        duration=timedelta(minutes=30),
        interval=timedelta(minutes=15),
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=15),
    )
    reservation = Interval(helsinki(MONDAY, 10), helsinki(MONDAY, 10, 45))
    now = START_OF_MONDAY

    open_day = starts_on(expert(), buffered, MONDAY, now)
    with_reservation = starts_on(expert(reservations=(reservation,)), buffered, MONDAY, now)

    # 09:15 reserves 09:00–10:00 and 11:00 reserves 10:45–11:45: both merely touch it.
    assert set(open_day) - set(with_reservation) == {
        helsinki(MONDAY, 9, 30),
        helsinki(MONDAY, 9, 45),
        helsinki(MONDAY, 10),
        helsinki(MONDAY, 10, 15),
        helsinki(MONDAY, 10, 30),
        helsinki(MONDAY, 10, 45),
    }
    assert set(with_reservation) <= set(open_day)
    assert reserved_interval(helsinki(MONDAY, 9, 15), buffered) == Interval(
        helsinki(MONDAY, 9), helsinki(MONDAY, 10)
    )


def test_absence_removes_overlapping_starts_and_the_grid_stays_anchored_at_opening() -> None:
    absence = Interval(helsinki(MONDAY, 9, 10), helsinki(MONDAY, 9, 50))
    hour_long = SlotRules(duration=timedelta(hours=1), interval=timedelta(hours=1))

    starts = starts_on(expert(absences=(absence,)), hour_long, MONDAY, START_OF_MONDAY)

    assert starts == every(helsinki(MONDAY, 10), helsinki(MONDAY, 15), timedelta(hours=1))


def test_overlapping_unsorted_reservations_and_absences_block_their_union() -> None:
    blocks = (
        Interval(helsinki(MONDAY, 13), helsinki(MONDAY, 14)),
        Interval(helsinki(MONDAY, 9, 30), helsinki(MONDAY, 11)),
        Interval(helsinki(MONDAY, 10), helsinki(MONDAY, 10, 30)),
    )
    schedule = expert(reservations=blocks[:2], absences=blocks[1:])

    assert starts_on(schedule, HALF_HOURS, MONDAY) == [
        helsinki(MONDAY, 9),
        *every(helsinki(MONDAY, 11), helsinki(MONDAY, 12, 30), timedelta(minutes=30)),
        *every(helsinki(MONDAY, 14), helsinki(MONDAY, 15, 30), timedelta(minutes=30)),
    ]


def test_start_fitting_exactly_between_two_reservations_is_offered() -> None:
    schedule = expert(
        reservations=(
            Interval(helsinki(MONDAY, 10), helsinki(MONDAY, 10, 30)),
            Interval(helsinki(MONDAY, 11), helsinki(MONDAY, 11, 30)),
        )
    )

    starts = starts_on(schedule, HALF_HOURS, MONDAY, START_OF_MONDAY)

    assert helsinki(MONDAY, 10, 30) in starts
    assert helsinki(MONDAY, 10) not in starts
    assert helsinki(MONDAY, 11) not in starts


def test_request_range_is_half_open() -> None:
    starts = free_starts(
        expert(), HALF_HOURS, helsinki(MONDAY, 10), helsinki(MONDAY, 11), START_OF_MONDAY
    )

    assert starts == [helsinki(MONDAY, 10), helsinki(MONDAY, 10, 30)]


def test_slot_rules_refuse_a_grid_that_cannot_advance() -> None:
    with pytest.raises(ValueError, match="positive"):
        SlotRules(duration=timedelta(minutes=30), interval=timedelta(0))


# --- booking window and daily limit --------------------------------------------------------------


def test_starts_before_now_are_not_offered() -> None:
    now = helsinki(MONDAY, 10, 7)

    assert starts_on(expert(), QUARTER_GRID, MONDAY, now)[0] == helsinki(MONDAY, 10, 15)


def test_min_notice_hides_starts_sooner_than_the_notice() -> None:
    rules = SlotRules(
        duration=timedelta(minutes=30),
        interval=timedelta(minutes=15),
        min_notice=timedelta(hours=2),
    )

    assert starts_on(expert(), rules, MONDAY, helsinki(MONDAY, 10, 7))[0] == helsinki(
        MONDAY, 12, 15
    )


def test_horizon_includes_its_last_instant_and_nothing_later() -> None:
    rules = SlotRules(
        duration=timedelta(minutes=30), interval=timedelta(minutes=15), horizon=timedelta(days=1)
    )
    now = helsinki(MONDAY, 9)

    starts = free_starts(expert(), rules, now, now + timedelta(days=7), now)

    assert starts[-1] == helsinki(TUESDAY, 9)
    assert check_start(expert(), rules, helsinki(TUESDAY, 9, 15), now) is Refusal.HORIZON


def test_daily_limit_reached_closes_that_day_only() -> None:
    schedule = expert(bookings_per_day={TUESDAY: 2, WEDNESDAY: 1})
    limited = SlotRules(
        duration=timedelta(minutes=30), interval=timedelta(minutes=30), daily_limit=2
    )

    assert starts_on(schedule, limited, TUESDAY, START_OF_MONDAY) == []
    for open_day in (MONDAY, WEDNESDAY):
        assert starts_on(schedule, limited, open_day, START_OF_MONDAY) == starts_on(
            expert(), HALF_HOURS, open_day
        )


# --- check_start ---------------------------------------------------------------------------------

NOON_MONDAY = helsinki(MONDAY, 12)
REFUSAL_CASES = {
    Refusal.PAST: (expert(), QUARTER_GRID, helsinki(MONDAY, 11, 45)),
    Refusal.NOTICE: (
        expert(),
        SlotRules(
            duration=timedelta(minutes=30),
            interval=timedelta(minutes=15),
            min_notice=timedelta(hours=1),
        ),
        helsinki(MONDAY, 12, 45),
    ),
    Refusal.HORIZON: (
        expert(),
        SlotRules(timedelta(minutes=30), timedelta(minutes=15)),  # default 90-day horizon
        helsinki(MONDAY + timedelta(days=91), 12),
    ),
    Refusal.OUTSIDE_HOURS: (expert(), QUARTER_GRID, helsinki(MONDAY, 15, 45)),
    Refusal.OFF_GRID: (expert(), QUARTER_GRID, helsinki(MONDAY, 13, 10)),
    Refusal.UNAVAILABLE: (
        expert(reservations=(Interval(helsinki(MONDAY, 13), helsinki(MONDAY, 14)),)),
        QUARTER_GRID,
        helsinki(MONDAY, 13, 30),
    ),
}


@pytest.mark.parametrize("refusal", list(Refusal))
def test_check_start_names_the_reason_a_start_is_refused(refusal: Refusal) -> None:
    schedule, rules, start = REFUSAL_CASES[refusal]

    assert check_start(schedule, rules, start, NOON_MONDAY) is refusal


def test_check_start_refuses_a_weekend_start_as_outside_hours() -> None:
    assert check_start(expert(), QUARTER_GRID, helsinki(SATURDAY, 10), NOON_MONDAY) is (
        Refusal.OUTSIDE_HOURS
    )


@pytest.mark.parametrize(
    "schedule",
    [
        expert(absences=(Interval(helsinki(TUESDAY, 10), helsinki(TUESDAY, 11)),)),
        expert(bookings_per_day={TUESDAY: 3}),
    ],
    ids=["absence", "daily_limit"],
)
def test_check_start_refuses_absences_and_full_days_as_unavailable(
    schedule: ExpertSchedule,
) -> None:
    limited = SlotRules(timedelta(minutes=30), timedelta(minutes=15), daily_limit=3)

    assert check_start(schedule, limited, helsinki(TUESDAY, 10), NOON_MONDAY) is (
        Refusal.UNAVAILABLE
    )


def test_check_start_accepts_every_listed_start() -> None:
    schedule = expert(
        reservations=(
            Interval(helsinki(TUESDAY, 10), helsinki(TUESDAY, 11)),
            Interval(helsinki(WEDNESDAY, 14), helsinki(WEDNESDAY, 14, 20)),
        ),
        absences=(Interval(helsinki(MONDAY, 15), helsinki(TUESDAY, 9, 40)),),
    )
    rules = SlotRules(
        duration=timedelta(minutes=45),
        interval=timedelta(minutes=15),
        buffer_after=timedelta(minutes=10),
        min_notice=timedelta(hours=1),
    )

    starts = free_starts(schedule, rules, NOON_MONDAY, NOON_MONDAY + timedelta(days=7), NOON_MONDAY)

    assert len(starts) > 50
    assert all(check_start(schedule, rules, start, NOON_MONDAY) is None for start in starts)


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 2, 2, 12)  # noqa: DTZ001 - the point of the test

    with pytest.raises(ValueError, match="naive"):
        free_starts(expert(), HALF_HOURS, naive, naive + timedelta(days=1), NOON_MONDAY)


# --- merge_slots ---------------------------------------------------------------------------------


def test_merge_slots_lists_every_free_expert_once_per_start_in_start_order() -> None:
    nine, ten, eleven = (helsinki(MONDAY, hour) for hour in (9, 10, 11))

    slots = merge_slots({7: [ten, nine], 3: [eleven, ten, ten], 5: []}, timedelta(minutes=30))

    assert slots == [
        Slot(nine, nine + timedelta(minutes=30), (7,)),
        Slot(ten, ten + timedelta(minutes=30), (3, 7)),
        Slot(eleven, eleven + timedelta(minutes=30), (3,)),
    ]


def test_merge_slots_treats_one_instant_in_two_zones_as_one_start() -> None:
    nine = helsinki(MONDAY, 9)

    slots = merge_slots({1: [nine], 2: [nine.astimezone(HELSINKI)]}, timedelta(minutes=30))

    assert slots == [Slot(nine, nine + timedelta(minutes=30), (1, 2))]
    assert slots[0].start.tzinfo is UTC


# --- display zones -------------------------------------------------------------------------------


def test_display_zone_round_trip_keeps_every_instant() -> None:
    starts = starts_on(expert(EVERY_DAY), HALF_HOURS, date(2026, 3, 29))
    tokyo = ZoneInfo("Asia/Tokyo")

    assert [start.astimezone(tokyo).astimezone(UTC) for start in starts] == starts
    assert [start.astimezone(tokyo) for start in starts] == starts
    assert all(start.tzinfo is UTC for start in starts)


def test_request_range_given_in_another_zone_gives_identical_starts() -> None:
    schedule = expert(EVERY_DAY)
    start = datetime(2026, 10, 23, 21, 15, tzinfo=UTC)
    end = start + timedelta(days=3)
    new_york = ZoneInfo("America/New_York")

    in_utc = free_starts(schedule, QUARTER_GRID, start, end, LONG_AGO)
    in_helsinki = free_starts(
        schedule, QUARTER_GRID, start.astimezone(HELSINKI), end.astimezone(HELSINKI), LONG_AGO
    )
    in_new_york = free_starts(
        schedule,
        QUARTER_GRID,
        start.astimezone(new_york),
        end.astimezone(new_york),
        LONG_AGO.astimezone(new_york),
    )

    assert in_utc == in_helsinki == in_new_york
    assert all(moment.tzinfo is UTC for moment in in_helsinki + in_new_york)


# --- properties ----------------------------------------------------------------------------------

FIVE_MINUTES = timedelta(minutes=5)
WINDOW_DAYS = 15
WINDOW_STEPS = WINDOW_DAYS * 24 * 12


def overlaps(first: Interval, second: Interval) -> bool:
    return first.start < second.end and second.start < first.end


@st.composite
def local_hours(draw: st.DrawFn) -> tuple[LocalHours, ...]:
    count = draw(st.integers(1, 3))
    marks = sorted(
        draw(st.lists(st.integers(0, 287), min_size=2 * count, max_size=2 * count, unique=True))
    )
    as_time = [time(mark // 12, mark % 12 * 5) for mark in marks]
    return tuple(LocalHours(as_time[i], as_time[i + 1]) for i in range(0, len(as_time), 2))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[ExpertSchedule, SlotRules, datetime, datetime, datetime]:
    first_day = draw(st.sampled_from([date(2026, 10, 18), date(2027, 3, 21)]))
    window = datetime.combine(first_day, time(0), tzinfo=UTC)
    days = [first_day + timedelta(days=offset) for offset in range(WINDOW_DAYS)]

    def spans(max_count: int, max_steps: int) -> tuple[Interval, ...]:
        found = []
        for offset, length in draw(
            st.lists(
                st.tuples(st.integers(0, WINDOW_STEPS), st.integers(1, max_steps)),
                max_size=max_count,
            )
        ):
            start = window + offset * FIVE_MINUTES
            found.append(Interval(start, start + length * FIVE_MINUTES))
        return tuple(found)

    schedule = ExpertSchedule(
        expert_id=1,
        timezone=draw(
            st.sampled_from(["Europe/Helsinki", "America/New_York", "Australia/Lord_Howe"])
        ),
        weekly={weekday: draw(local_hours()) for weekday in range(7)},
        overrides=draw(
            st.dictionaries(st.sampled_from(days), local_hours() | st.just(()), max_size=3)
        ),
        absences=spans(3, 2 * 24 * 12),
        holidays=frozenset(draw(st.lists(st.sampled_from(days), max_size=3))),
        reservations=spans(25, 48),
        bookings_per_day=draw(
            st.dictionaries(st.sampled_from(days), st.integers(0, 3), max_size=5)
        ),
    )
    steps = st.integers(0, 6).map(lambda count: count * FIVE_MINUTES)
    rules = SlotRules(
        duration=draw(st.integers(1, 24)) * FIVE_MINUTES,
        interval=draw(st.integers(1, 12)) * FIVE_MINUTES,
        buffer_before=draw(steps),
        buffer_after=draw(steps),
        min_notice=draw(st.integers(0, 72)) * FIVE_MINUTES,
        horizon=timedelta(days=draw(st.integers(1, 20)), seconds=draw(st.integers(0, 86_399))),
        daily_limit=draw(st.none() | st.integers(1, 3)),
    )
    start = window + timedelta(seconds=draw(st.integers(0, 7 * 86_400)))
    end = start + timedelta(hours=draw(st.integers(1, 8 * 24)), seconds=draw(st.integers(0, 3599)))
    # Mostly before the requested range, sometimes inside it, to exercise past and notice.
    now = start - timedelta(seconds=draw(st.integers(-86_400, 3 * 86_400)))
    return schedule, rules, start, end, now


def grid_starts(
    schedule: ExpertSchedule, rules: SlotRules, start: datetime, end: datetime
) -> list[datetime]:
    """Every grid start inside working hours within [start, end), free or not."""
    found = set()
    for working in working_intervals(schedule, start, end):
        candidate = working.start
        while candidate + rules.duration <= working.end:
            if start <= candidate < end:
                found.add(candidate)
            candidate += rules.interval
    return sorted(found)


def is_free_by_definition(
    schedule: ExpertSchedule, rules: SlotRules, start: datetime, now: datetime
) -> bool:
    """The rules written out literally, one candidate against every reservation and absence."""
    booked = Interval(start, start + rules.duration)
    day_local = start.astimezone(ZoneInfo(schedule.timezone)).date()
    return (
        now <= start
        and now + rules.min_notice <= start <= now + rules.horizon
        and not any(overlaps(booked, absence) for absence in schedule.absences)
        and not any(
            overlaps(reserved_interval(start, rules), reservation)
            for reservation in schedule.reservations
        )
        and (
            rules.daily_limit is None
            or schedule.bookings_per_day.get(day_local, 0) < rules.daily_limit
        )
    )


def spread(items: list[datetime], count: int) -> list[datetime]:
    """Up to `count` items spread over the list, always including both ends."""
    if len(items) <= count:
        return items
    stride = len(items) / (count - 1)
    return sorted({items[min(round(index * stride), len(items) - 1)] for index in range(count)})


@settings(max_examples=200, deadline=None)
@given(
    scenario=scenarios(),
    split_at=st.floats(0, 1),
    probes=st.lists(st.integers(0, WINDOW_STEPS), max_size=10),
)
def test_free_starts_obey_every_rule_across_dst_windows(
    scenario: tuple[ExpertSchedule, SlotRules, datetime, datetime, datetime],
    split_at: float,
    probes: list[int],
) -> None:
    schedule, rules, start, end, now = scenario

    starts = free_starts(schedule, rules, start, end, now)

    assert starts == sorted(set(starts))
    assert all(moment.tzinfo is UTC for moment in starts)
    working = working_intervals(schedule, start, end)
    for moment in starts:
        assert start <= moment < end
        booked = Interval(moment, moment + rules.duration)
        assert not any(overlaps(reserved_interval(moment, rules), r) for r in schedule.reservations)
        assert not any(overlaps(booked, absence) for absence in schedule.absences)
        assert any(w.start <= booked.start and booked.end <= w.end for w in working)

    candidates = grid_starts(schedule, rules, start, end)
    assert starts == [c for c in candidates if is_free_by_definition(schedule, rules, c, now)]

    listed = set(starts)
    assert all(check_start(schedule, rules, moment, now) is None for moment in spread(starts, 20))
    unlisted = [candidate for candidate in candidates if candidate not in listed]
    assert all(check_start(schedule, rules, c, now) is not None for c in spread(unlisted, 20))

    # Arbitrary instants, on the grid or not: bookable exactly when listed.
    window = start.replace(hour=0, minute=0, second=0)
    for probe in probes:
        moment = window + probe * FIVE_MINUTES
        if start <= moment < end:
            assert (check_start(schedule, rules, moment, now) is None) == (moment in listed)

    middle = start + (end - start) * split_at
    assert (
        free_starts(schedule, rules, start, middle, now)
        + free_starts(schedule, rules, middle, end, now)
        == starts
    )


@settings(max_examples=150, deadline=None)
@given(scenario=scenarios(), offsets=st.lists(st.integers(0, WINDOW_STEPS), max_size=60))
def test_free_among_takes_any_instant_free_inside_one_working_interval(
    scenario: tuple[ExpertSchedule, SlotRules, datetime, datetime, datetime],
    offsets: list[int],
) -> None:
    schedule, rules, start, end, now = scenario
    window = start.replace(hour=0, minute=0, second=0)
    candidates = [window + offset * FIVE_MINUTES for offset in offsets]
    no_limit = SlotRules(
        duration=rules.duration,
        interval=rules.interval,
        buffer_before=rules.buffer_before,
        buffer_after=rules.buffer_after,
        min_notice=rules.min_notice,
        horizon=rules.horizon,
    )
    horizon_end = max(candidates, default=window) + rules.duration + timedelta(days=1)
    working = working_intervals(schedule, window - timedelta(days=1), horizon_end)

    def fits(moment: datetime) -> bool:
        booked = Interval(moment, moment + rules.duration)
        return any(w.start <= booked.start and booked.end <= w.end for w in working)

    expected = sorted(
        {c for c in candidates if fits(c) and is_free_by_definition(schedule, no_limit, c, now)}
    )
    assert free_among(schedule, no_limit, candidates, now) == expected
    # On the schedule's own grid it agrees with the slot listing.
    on_grid = grid_starts(schedule, no_limit, start, end)
    assert free_among(schedule, no_limit, on_grid, now) == free_starts(
        schedule, no_limit, start, end, now
    )
