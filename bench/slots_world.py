"""The slot-search benchmark's world: services of 6, 50 and 100 experts with 30 % of their
working hours booked for a month, seeded the same way every run."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking.tables import Booking, Reservation
from calendars.holidays import finnish_holidays
from testdata.factories import booking_reference, make_agency, make_expert, make_service

# The test suite's Monday morning: 10:00 in Helsinki, well before the DST change of 2027.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


ZONE = ZoneInfo("Europe/Helsinki")


SEED = 20261123


EXPERT_COUNTS = (6, 50, 100)


WORKDAY = (time(8), time(16))


DURATION_MINUTES = 60


INTERVAL_MINUTES = 30


BUFFER_AFTER_MINUTES = 10


HORIZON_DAYS = 90


BOOKED_DAYS = 30


# 2 or 3 one-hour bookings in an 8-hour day, 2.4 on average: 30 % of working hours.
BOOKINGS_PER_DAY = (2, 3)


THIRD_BOOKING_PROBABILITY = 0.4


INSERT_CHUNK = 250

TARGET_EXPERTS, TARGET_DAYS, TARGET_P95_MS = 50, 30, 50.0


@dataclass(frozen=True, slots=True)
class Case:
    experts: int
    days: int
    requests: int
    label: str


CASES = (
    Case(6, 14, 200, "typical service"),
    Case(6, 30, 50, "query count check"),
    Case(TARGET_EXPERTS, TARGET_DAYS, 200, "target"),
    Case(100, 30, 50, "scale check"),
)


def service_slug(experts: int) -> str:
    return f"bench-{experts}-experts"


@dataclass(frozen=True, slots=True)
class Seeded:
    experts: int
    working_days: int
    bookings: int

    @property
    def booked_share(self) -> float:
        """Booked time over working time of the seeded days."""
        working_minutes = self.experts * self.working_days * _minutes(*WORKDAY)
        return self.bookings * DURATION_MINUTES / working_minutes

    @property
    def reserved_share(self) -> float:
        """Reserved time (bookings with their buffer) over working time."""
        return self.booked_share * (DURATION_MINUTES + BUFFER_AFTER_MINUTES) / DURATION_MINUTES


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _chunks(rows: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _day_starts(rng: random.Random, count: int) -> list[int]:
    """`count` grid starts (minutes after opening) whose reservations never overlap."""
    last = _minutes(*WORKDAY) - DURATION_MINUTES
    grid = list(range(0, last + 1, INTERVAL_MINUTES))
    reserved = DURATION_MINUTES + BUFFER_AFTER_MINUTES
    picked: list[int] = []
    for start in rng.sample(grid, len(grid)):
        if all(abs(start - other) >= reserved for other in picked):
            picked.append(start)
            if len(picked) == count:
                break
    return sorted(picked)


async def seed(rng: random.Random) -> Seeded:
    """One agency, 100 experts, services of the first 6, 50 and 100, bookings ~30 % of hours."""
    agency = await make_agency("bench-agency")
    hours = tuple((weekday, "08:00", "16:00") for weekday in range(5))
    experts = [
        await make_expert(agency, f"Bench Expert {n:03d}", hours=hours)
        for n in range(1, max(EXPERT_COUNTS) + 1)
    ]
    service_ids = {
        count: await make_service(
            agency,
            service_slug(count),
            duration=DURATION_MINUTES,
            interval=INTERVAL_MINUTES,
            buffer_after=BUFFER_AFTER_MINUTES,
            horizon_days=HORIZON_DAYS,
            experts=experts[:count],
        )
        for count in EXPERT_COUNTS
    }

    first_day = NOW.astimezone(ZONE).date()
    days = [first_day + timedelta(days=offset) for offset in range(BOOKED_DAYS)]
    closed = finnish_holidays(days[0], days[-1])
    working_days = [day for day in days if day.weekday() < 5 and day not in closed]

    references: set[str] = set()
    bookings: list[Booking] = []
    for position, expert in enumerate(experts):
        # Bookings belong to the smallest service the expert gives.
        service = service_ids[min(c for c in EXPERT_COUNTS if position < c)]
        for day in working_days:
            opening = datetime.combine(day, WORKDAY[0], ZONE).astimezone(UTC)
            third = rng.random() < THIRD_BOOKING_PROBABILITY
            for minutes in _day_starts(rng, BOOKINGS_PER_DAY[third]):
                starts_at = opening + timedelta(minutes=minutes)
                number = len(bookings)
                bookings.append(
                    Booking(
                        reference=booking_reference(rng, references),
                        service=service,
                        expert=expert,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=DURATION_MINUTES),
                        channel=rng.choice(("in_person", "phone", "video")),
                        language=rng.choice(("fi", "fi", "fi", "sv", "en")),
                        status="confirmed",
                        customer_name=f"Asiakas {number:05d}",
                        customer_email=f"asiakas{number:05d}@example.com",
                        privacy_notice_version="2026-11",
                        manage_token_hash=hashlib.sha256(f"bench-{number}".encode()).hexdigest(),
                    )
                )

    reservations: list[Reservation] = []
    buffer = timedelta(minutes=BUFFER_AFTER_MINUTES)
    for chunk in _chunks(bookings, INSERT_CHUNK):
        rows = await Booking.insert(*chunk).returning(Booking.id, Booking.reference)
        ids = {row["reference"]: row["id"] for row in rows}
        reservations += [
            Reservation(
                resource=f"expert:{booking.expert}",
                starts_at=booking.starts_at,
                ends_at=booking.ends_at + buffer,
                booking=ids[booking.reference],
            )
            for booking in chunk
        ]
    for chunk in _chunks(reservations, INSERT_CHUNK):
        await Reservation.insert(*chunk)
    return Seeded(experts=len(experts), working_days=len(working_days), bookings=len(bookings))
