"""Compiled queries (luukku/compiled_queries.py): the same rows as the Piccolo query they are
written as, on both engines, in and out of transactions; a value Piccolo would write into
the SQL text is refused rather than frozen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.tables import Booking, Reservation
from calendars.tables import Expert
from luukku.compiled_queries import CompiledQuery
from luukku.database import write_transaction
from testdata.factories import make_agency, make_expert

pytestmark = pytest.mark.usefixtures("db")

START = datetime(2026, 12, 7, 8, tzinfo=UTC)

_OVERLAPPING = CompiledQuery(
    Reservation,
    lambda names, start, end: (
        Reservation.select(Reservation.resource, Reservation.starts_at, Reservation.ends_at)
        .where(
            Reservation.resource.is_in(names)
            & (Reservation.starts_at < end)
            & (Reservation.ends_at > start)
        )
        .order_by(Reservation.resource)
    ),
)


async def _reserve(resource: str, hour: int) -> None:
    await Reservation.insert(
        Reservation(
            resource=resource,
            starts_at=START + timedelta(hours=hour),
            ends_at=START + timedelta(hours=hour + 1),
        )
    )


async def test_each_run_binds_its_own_values_and_answers_as_the_piccolo_query_does() -> None:
    await _reserve("expert:1", 0)
    await _reserve("expert:2", 0)
    await _reserve("expert:3", 5)
    for names, start, end in (
        (["expert:1"], START, START + timedelta(hours=1)),
        (["expert:1", "expert:2", "expert:3"], START, START + timedelta(hours=8)),
        (["expert:2", "expert:3"], START + timedelta(hours=2), START + timedelta(hours=8)),
        (["expert:9"], START, START + timedelta(days=1)),
    ):
        expected = (
            await Reservation.select(
                Reservation.resource, Reservation.starts_at, Reservation.ends_at
            )
            .where(
                Reservation.resource.is_in(names)
                & (Reservation.starts_at < end)
                & (Reservation.ends_at > start)
            )
            .order_by(Reservation.resource)
        )
        assert await _OVERLAPPING(names, start, end) == expected


async def test_a_scalar_used_many_times_and_lists_of_every_length_bind() -> None:
    agency = await make_agency()
    ids = [
        await make_expert(agency, f"Asiantuntija {n}", email=f"a{n}@example.fi") for n in range(3)
    ]
    by_ids = CompiledQuery(
        Expert,
        lambda wanted, agency_id: (
            Expert.select(Expert.id)
            .where(
                Expert.id.is_in(wanted)
                & (Expert.agency == agency_id)
                & (Expert.agency == agency_id)
            )
            .order_by(Expert.id)
        ),
    )
    for length in (1, 2, 3, 1):
        rows = await by_ids(ids[:length], agency)
        assert [row["id"] for row in rows] == ids[:length]


async def test_inserts_run_inside_the_callers_transaction_and_roll_back_with_it() -> None:
    expert = await make_expert(await make_agency())
    add = CompiledQuery(
        Reservation,
        lambda resource, start, end: Reservation.insert(
            Reservation(resource=resource, starts_at=start, ends_at=end)
        ),
    )

    async def failing_change() -> None:
        async with write_transaction(Reservation._meta.db):
            await add(f"expert:{expert}", START, START + timedelta(hours=1))
            raise RuntimeError("the change fails after the insert")

    with pytest.raises(RuntimeError):
        await failing_change()
    assert await Reservation.count() == 0
    await add(f"expert:{expert}", START, START + timedelta(hours=1))
    assert await Reservation.count() == 1


async def test_a_value_written_into_the_sql_text_is_refused_not_frozen() -> None:
    # Formatted into the SQL text, a value would be the first run's in every later run.
    formatted = CompiledQuery(
        Booking,
        lambda after: Booking.raw(f"SELECT id FROM booking WHERE id > {after}"),  # noqa: S608 (the point)
    )
    with pytest.raises(ValueError, match="must reach the database as an argument"):
        await formatted(3)


async def test_a_parameter_the_query_never_uses_is_refused() -> None:
    forgetful = CompiledQuery(
        Booking,
        lambda reference, _status: Booking.select(Booking.id).where(Booking.reference == reference),
    )
    with pytest.raises(ValueError, match="1 of 2 did not"):
        await forgetful("ABC-123", "confirmed")
