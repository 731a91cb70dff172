"""The staff calendar's layout: entries placed by their Helsinki minutes, cut to each day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from frontend.time_grid import Entry, lay_out

MONDAY = date(2026, 11, 23)


def test_a_booking_is_placed_by_its_minutes_within_office_hours():
    # 10.00-11.00 Helsinki in a 07-19 grid: 3 h of 12 from the top, 1 h tall.
    booking = Entry(
        "booking", datetime(2026, 11, 23, 8, tzinfo=UTC), datetime(2026, 11, 23, 9, tzinfo=UTC)
    )
    hours, [column] = lay_out([MONDAY], [booking])
    assert hours == list(range(7, 19))
    [placed] = column.placed
    assert placed.top == 25
    assert round(placed.height, 3) == round(100 / 12, 3)


def test_an_absence_over_several_days_shows_on_each_day_cut_to_the_grid():
    absence = Entry(
        "absence", datetime(2026, 11, 23, 12, tzinfo=UTC), datetime(2026, 11, 25, 8, tzinfo=UTC)
    )
    _, columns = lay_out(
        [MONDAY, date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)], [absence]
    )
    assert [len(c.placed) for c in columns] == [1, 1, 1, 0]
    tuesday = columns[1].placed[0]
    assert (tuesday.top, tuesday.height) == (0, 100)


def test_an_early_entry_widens_the_grid():
    early = Entry(
        "busy", datetime(2026, 11, 23, 4, tzinfo=UTC), datetime(2026, 11, 23, 5, tzinfo=UTC)
    )
    hours, _ = lay_out([MONDAY], [early])
    assert hours[0] == 6
