"""What must hold of bookings, joint sessions and reservations whatever ran before, read from
the database: the checks of the race matrix, for any test to reuse."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import pairwise

from booking.joint.tables import JointParticipant, JointSession
from booking.tables import Booking, Reservation, Service

Held = tuple[str, datetime, datetime]


async def _expected_for_bookings() -> dict[int, Counter[Held]]:
    services = {
        row["id"]: (row["buffer_before_minutes"], row["buffer_after_minutes"])
        for row in await Service.select(
            Service.id, Service.buffer_before_minutes, Service.buffer_after_minutes
        )
    }
    expected: dict[int, Counter[Held]] = {}
    for row in await Booking.select(
        Booking.id, Booking.service, Booking.expert, Booking.starts_at, Booking.ends_at,
        Booking.status,
    ):  # fmt: skip
        before, after = services[row["service"]]
        held: Counter[Held] = Counter()
        if row["status"] == "confirmed":
            held[
                (
                    f"expert:{row['expert']}",
                    row["starts_at"] - timedelta(minutes=before),
                    row["ends_at"] + timedelta(minutes=after),
                )
            ] += 1
        expected[row["id"]] = held
    return expected


async def _expected_for_sessions() -> dict[int, Counter[Held]]:
    people: dict[int, list[int]] = defaultdict(list)
    for row in await JointParticipant.select(
        JointParticipant.joint_session, JointParticipant.expert
    ):
        people[row["joint_session"]].append(row["expert"])
    expected: dict[int, Counter[Held]] = {}
    for row in await JointSession.select(
        JointSession.id, JointSession.room, JointSession.starts_at, JointSession.ends_at,
        JointSession.status,
    ):  # fmt: skip
        held: Counter[Held] = Counter()
        if row["status"] == "confirmed":
            resources = [f"room:{row['room']}", *(f"expert:{e}" for e in people[row["id"]])]
            for resource in resources:
                held[(resource, row["starts_at"], row["ends_at"])] += 1
        expected[row["id"]] = held
    return expected


def _overlaps(reservations: list[dict[str, object]]) -> list[str]:
    by_resource: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for row in reservations:
        by_resource[str(row["resource"])].append(
            (row["starts_at"], row["ends_at"], row["id"])  # type: ignore[arg-type]
        )
    found = []
    for resource, intervals in by_resource.items():
        intervals.sort()
        for (_, end, first), (start, _, second) in pairwise(intervals):
            if start < end:
                found.append(f"{resource}: reservations {first} and {second} overlap")
    return found


async def broken_invariants() -> list[str]:
    """Every way the database breaks the booking invariants (empty when it holds):
    every confirmed booking or joint session holds exactly its reservations (its own expert,
    or its room and participants, at its own time, buffers included); a cancelled one holds
    none; no two reservations of a resource overlap."""
    reservations = await Reservation.select(
        Reservation.id, Reservation.resource, Reservation.starts_at, Reservation.ends_at,
        Reservation.booking, Reservation.joint_session,
    )  # fmt: skip
    actual: dict[tuple[str, int], Counter[Held]] = defaultdict(Counter)
    for row in reservations:
        held = (row["resource"], row["starts_at"], row["ends_at"])
        if row["booking"] is not None:
            actual[("booking", row["booking"])][held] += 1
        if row["joint_session"] is not None:
            actual[("joint session", row["joint_session"])][held] += 1
    expected = {
        **{("booking", key): held for key, held in (await _expected_for_bookings()).items()},
        **{("joint session", key): held for key, held in (await _expected_for_sessions()).items()},
    }
    broken = [
        f"{kind} {key} holds {sorted(actual[(kind, key)].elements())}, "
        f"should hold {sorted(held.elements())}"
        for (kind, key), held in expected.items()
        if actual[(kind, key)] != held
    ]
    return broken + _overlaps(reservations)
