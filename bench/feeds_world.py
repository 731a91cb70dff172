"""The feed benchmark's world: experts with a year of bookings each, some cancelled, seeded
the same way every run."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresEngine

from bench.harness import ROOT
from booking.feeds.contents import (
    CANCELLED_KEPT,
    FEED_HORIZON,
    FEED_PAST,
)
from booking.tables import Booking
from testdata.factories import booking_reference, make_agency, make_expert, make_service

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


ZONE = ZoneInfo("Europe/Helsinki")


SEED = 20261123


DURATION = timedelta(minutes=30)


CANCELLED_SHARE = 0.08


INSERT_CHUNK = 500

SQLITE_PATH = ROOT / "var" / "bench-feeds.sqlite"


@dataclass(frozen=True, slots=True)
class Workload:
    """An expert's bookings: 30 minutes each, `per_day` a weekday from `days_back` back."""

    label: str
    bookings: int
    per_day: int
    days_back: int
    full: bool
    """Measure everything (the target case), or only a cold GET and a 304."""


WORKLOADS = (
    # 15 a weekday for 16 months: far more than the feed holds.
    Workload("busy: 5,000 bookings", 5_000, 15, 90, full=True),
    # A full-time expert booked 6 times a day over a 60-day booking horizon.
    Workload("typical: 400 bookings", 400, 6, 30, full=False),
)


@dataclass(frozen=True, slots=True)
class Seeded:
    workload: Workload
    expert: int
    bookings: int
    in_window: int
    cancelled: int


def fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def _starts(workload: Workload) -> list[datetime]:
    starts: list[datetime] = []
    day = (NOW - timedelta(days=workload.days_back)).astimezone(ZONE).date()
    while len(starts) < workload.bookings:
        if day.weekday() < 5:
            opening = datetime.combine(day, time(8), ZONE).astimezone(UTC)
            starts += [opening + n * DURATION for n in range(workload.per_day)]
        day += timedelta(days=1)
    return starts[: workload.bookings]


def _in_feed(booking: Booking) -> bool:
    """Whether the feed at NOW holds the booking (the window of booking.feeds.contents)."""
    if booking.ends_at <= NOW - FEED_PAST or booking.starts_at >= NOW + FEED_HORIZON:
        return False
    return booking.status != "cancelled" or booking.cancelled_at > NOW - CANCELLED_KEPT


async def seed(rng: random.Random, workloads: Sequence[Workload]) -> list[Seeded]:
    """An expert per workload, bookings in every channel, some cancelled, inserted in bulk."""
    agency = await make_agency("bench-feeds")
    service = await make_service(agency, "bench-feeds-advice", duration=30, horizon_days=400)
    references: set[str] = set()
    seeded = []
    for position, workload in enumerate(workloads, start=1):
        expert = await make_expert(agency, f"Bench Expert {position}")
        seeded.append(await _seed_expert(rng, workload, expert, service, references))
    if isinstance(Booking._meta.db, PostgresEngine):
        # What autovacuum would do soon after a bulk load; without it the planner guesses.
        await Booking.raw("ANALYZE booking")
    return seeded


async def _seed_expert(
    rng: random.Random, workload: Workload, expert: int, service: int, references: set[str]
) -> Seeded:
    rows: list[Booking] = []
    for number, starts_at in enumerate(_starts(workload), start=len(references)):
        channel = rng.choice(("in_person", "phone", "video", "video"))
        created_at = min(NOW, starts_at) - timedelta(days=rng.randint(1, 60))
        cancelled = rng.random() < CANCELLED_SHARE
        cancelled_at = (
            min(NOW, starts_at - timedelta(days=1)) - timedelta(days=rng.randint(0, 20))
            if cancelled
            else None
        )
        updated_at = max(created_at, cancelled_at) if cancelled_at else created_at
        rows.append(
            Booking(
                reference=booking_reference(rng, references),
                service=service,
                expert=expert,
                starts_at=starts_at,
                ends_at=starts_at + DURATION,
                channel=channel,
                language=rng.choice(("fi", "fi", "fi", "sv", "en")),
                status="cancelled" if cancelled else "confirmed",
                customer_name=f"Asiakas{number:05d} Sukunimi",
                customer_email=f"asiakas{number:05d}@example.com",
                customer_phone="+358401234567",
                customer_company=f"Yritys {number:05d} Oy" if rng.random() < 0.7 else "",
                privacy_notice_version="2026-11",
                manage_token_hash=f"{number:064d}",
                video_url=f"https://meet.example/luukku-{number:08d}" if channel == "video" else "",
                sequence=rng.choice((0, 0, 0, 1, 2)),
                cancelled_at=cancelled_at,
                created_at=created_at,
                updated_at=updated_at,
            )
        )
    for start in range(0, len(rows), INSERT_CHUNK):
        await Booking.insert(*rows[start : start + INSERT_CHUNK])
    return Seeded(
        workload=workload,
        expert=expert,
        bookings=len(rows),
        in_window=sum(_in_feed(row) for row in rows),
        cancelled=sum(row.status == "cancelled" for row in rows),
    )
