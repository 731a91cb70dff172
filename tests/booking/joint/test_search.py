"""Common-slot search for joint sessions, checked against the rules written out by brute force."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from booking.engine.availability import ExpertSchedule, Interval, LocalHours, working_intervals
from booking.joint.search import common_starts, joint_rules
from tests.booking.engine.test_availability import grid_starts, local_hours, overlaps

FIVE_MINUTES = timedelta(minutes=5)
OFFICE = {day: (LocalHours(time(9), time(15)),) for day in range(5)}


def helsinki_schedule(resource_id: int, reservations: tuple[Interval, ...] = ()) -> ExpertSchedule:
    return ExpertSchedule(
        expert_id=resource_id,
        timezone="Europe/Helsinki",
        weekly=OFFICE,
        reservations=reservations,
    )


def test_only_instants_when_everyone_is_free_are_offered() -> None:
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    start, end = monday, monday + timedelta(days=1)
    busy = Interval(
        datetime(2026, 11, 30, 8, 0, tzinfo=UTC), datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    )
    rooms = {1: helsinki_schedule(1)}
    teams = [[helsinki_schedule(10, reservations=(busy,))], [helsinki_schedule(20)]]
    found = common_starts(
        rooms, teams, None, joint_rules(timedelta(hours=1)), start, end, start, {}
    )
    # Opening hours 09-15 Helsinki = 07-13 UTC; expert 10 is busy 08-10 UTC.
    assert [(f.start.hour, f.start.minute) for f in found] == [
        (7, 0),
        (10, 0),
        (10, 30),
        (11, 0),
        (11, 30),
        (12, 0),
    ]
    assert all(f.expert_ids == (10, 20) and f.room_id == 1 for f in found)


def test_no_overlap_gives_no_slots() -> None:
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    morning = {day: (LocalHours(time(8), time(10)),) for day in range(5)}
    afternoon = {day: (LocalHours(time(12), time(16)),) for day in range(5)}
    rooms = {1: helsinki_schedule(1)}
    teams = [
        [ExpertSchedule(10, "Europe/Helsinki", morning)],
        [ExpertSchedule(20, "Europe/Helsinki", afternoon)],
    ]
    rules = joint_rules(timedelta(minutes=60))
    found = common_starts(rooms, teams, None, rules, monday, monday + timedelta(days=5), monday, {})
    assert found == []


def test_least_loaded_member_of_a_team_is_proposed() -> None:
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    rooms = {1: helsinki_schedule(1), 2: helsinki_schedule(2)}
    teams = [[helsinki_schedule(10), helsinki_schedule(11)]]
    load = {"expert:10": 3, "expert:11": 1, "room:1": 2}
    rules = joint_rules(timedelta(minutes=60))
    [first, *_] = common_starts(
        rooms, teams, None, rules, monday, monday + timedelta(days=1), monday, load
    )
    assert first.expert_ids == (11,)
    assert first.room_id == 2


WINDOW_DAYS = 4


@st.composite
def calendars(draw: st.DrawFn, resource_id: int, first_day: date) -> ExpertSchedule:
    window = datetime.combine(first_day, time(0), tzinfo=UTC)
    reservations = []
    for offset, length in draw(
        st.lists(st.tuples(st.integers(0, WINDOW_DAYS * 288), st.integers(1, 36)), max_size=8)
    ):
        begins = window + offset * FIVE_MINUTES
        reservations.append(Interval(begins, begins + length * FIVE_MINUTES))
    return ExpertSchedule(
        expert_id=resource_id,
        timezone=draw(st.sampled_from(["Europe/Helsinki", "Europe/Stockholm"])),
        weekly={weekday: draw(local_hours()) for weekday in range(7)},
        reservations=tuple(reservations),
        holidays=frozenset(
            draw(st.lists(st.sampled_from([first_day + timedelta(days=1)]), max_size=1))
        ),
    )


def free_by_definition(
    schedule: ExpertSchedule, moment: datetime, duration: timedelta, now: datetime
) -> bool:
    booked = Interval(moment, moment + duration)
    working = working_intervals(schedule, moment - timedelta(days=1), moment + timedelta(days=1))
    return (
        now <= moment
        and any(w.start <= booked.start and booked.end <= w.end for w in working)
        and not any(overlaps(booked, r) for r in schedule.reservations)
        and not any(overlaps(booked, a) for a in schedule.absences)
    )


@st.composite
def joint_scenarios(draw: st.DrawFn):
    # Both 2027 DST weekends: spring forward falls on Easter weekend, fall back in October.
    first_day = draw(st.sampled_from([date(2027, 3, 26), date(2027, 10, 29)]))
    rooms = {room: draw(calendars(room, first_day)) for room in (1, 2)}
    teams = [
        [
            draw(calendars(100 * team + member, first_day))
            for member in range(draw(st.integers(1, 3)))
        ]
        for team in range(1, 4)
    ]
    interpreters = draw(st.none() | st.integers(1, 2))
    people_interpreters = (
        None
        if interpreters is None
        else [draw(calendars(900 + i, first_day)) for i in range(interpreters)]
    )
    duration = draw(st.integers(3, 18)) * FIVE_MINUTES
    start = datetime.combine(first_day, time(0), tzinfo=UTC)
    end = start + timedelta(days=WINDOW_DAYS)
    now = start + timedelta(minutes=draw(st.integers(0, 24 * 60)))
    return rooms, teams, people_interpreters, duration, start, end, now


@settings(max_examples=120, deadline=None)
@given(joint_scenarios())
def test_common_starts_equal_the_brute_force_reference(scenario) -> None:
    rooms, teams, interpreters, duration, start, end, now = scenario
    rules = joint_rules(duration)

    found = common_starts(rooms, teams, interpreters, rules, start, end, now, {})

    candidates = sorted(
        {
            moment
            for room in rooms.values()
            for moment in grid_starts(room, rules, start, end)
            if free_by_definition(room, moment, duration, now)
        }
    )

    def everyone_free(moment: datetime) -> bool:
        return all(
            any(free_by_definition(member, moment, duration, now) for member in team)
            for team in teams
        ) and (
            interpreters is None
            or any(free_by_definition(i, moment, duration, now) for i in interpreters)
        )

    assert [f.start for f in found] == [m for m in candidates if everyone_free(m)]
    by_id = {s.expert_id: s for team in teams for s in team} | {
        s.expert_id: s for s in interpreters or ()
    }
    for slot in found:
        assert free_by_definition(rooms[slot.room_id], slot.start, duration, now)
        assert len(slot.expert_ids) == len(teams)
        for team, expert_id in zip(teams, slot.expert_ids, strict=True):
            assert expert_id in {member.expert_id for member in team}
            assert free_by_definition(by_id[expert_id], slot.start, duration, now)
        if interpreters is not None:
            assert slot.interpreter_id is not None
            assert free_by_definition(by_id[slot.interpreter_id], slot.start, duration, now)
