"""The race matrix: every pair of state-changing operations on one booking (and one joint
session beside it), sent at once to two app processes, 20 rounds a pair; after each round the
booking invariants hold (tests/booking/booking_invariants.py), no answer is a 5xx and no
writer deadlocked.

The world, on a working day ahead (the processes read the real clock), Helsinki time:
- Aino gives the service and is away 08.00-12.00, Sami named as her substitute;
- booking B: Aino at 10.00 (inside the absence, so it can move to Sami);
- joint session J: Aino and Kalle (another agency) in the library's room at 11.00;
- 14.00 is free for everyone: where B and J are moved, and what a new booking takes.
So the operations contend for the same rows (B, J) and the same time (Sami at 10.00 and
11.00, Aino at 14.00).

To add an operation (a staff reschedule, retiring an expert, a hold and booking with it,
a waitlist acceptance), add one `Operation` to OPERATIONS: every pair with it is raced.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from itertools import combinations_with_replacement
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from booking.bookings.lifecycle import hash_token, new_reference
from booking.joint.tables import JointParticipant, JointSession
from booking.tables import Booking, Reservation
from booking.video.rooms import new_room_name
from calendars.holidays import finnish_holidays
from calendars.tables import Absence, Room, ServicePoint, ServicePointHours
from luukku.database import write_transaction
from luukku.settings import Settings
from staff.accounts import create_staff_user
from testdata.factories import STAFF_PASSWORD, booking_body, make_agency, make_expert, make_service
from tests.app_processes import app_processes
from tests.booking.booking_invariants import broken_invariants

pytestmark = pytest.mark.slow

HELSINKI = ZoneInfo("Europe/Helsinki")
ROUNDS = 20
MANAGE_TOKEN = "race-matrix-manage-token"


@dataclass
class World:
    day: date
    aino: int
    sami: int
    kalle: int
    city: int
    kela: int
    service: int
    point: int
    room: int
    staff: dict[str, str]
    privacy_notice_version: str
    absence: int = 0
    booking: str = ""
    session: str = ""

    def at(self, hour: int) -> datetime:
        return datetime.combine(self.day, clock_time(hour), HELSINKI)

    def iso(self, hour: int) -> str:
        return self.at(hour).isoformat()


Send = Callable[[httpx.AsyncClient, World], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Operation:
    name: str
    send: Send
    may_answer: frozenset[int] = frozenset({200, 201, 409})


def _manage(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {MANAGE_TOKEN}"}


OPERATIONS: tuple[Operation, ...] = (
    # Any expert at 10.00: Aino is away, so it goes to Sami standing in, as B would.
    Operation(
        "book the substitute's time",
        lambda http, w: http.post("/api/v1/bookings", json=booking_body(w.iso(10))),
    ),
    Operation(
        "book the free time",
        lambda http, w: http.post(
            "/api/v1/bookings", json=booking_body(w.iso(14), expert_id=w.aino)
        ),
    ),
    Operation(
        "reschedule by the customer",
        lambda http, w: http.post(
            f"/api/v1/bookings/{w.booking}/reschedule",
            json={"start": w.iso(14)},
            headers=_manage(w),
        ),
    ),
    Operation(
        "cancel by the customer",
        lambda http, w: http.post(
            f"/api/v1/bookings/{w.booking}/cancel", json={}, headers=_manage(w)
        ),
    ),
    # No staff route reschedules or cancels an ordinary booking yet: add them here when one
    # does (and retire an expert, hold + book with the hold, accept a waitlist offer).
    Operation(
        "move to the substitute",
        lambda http, w: http.post(
            f"/api/v1/staff/absences/{w.absence}/move-to-substitute",
            headers=w.staff,
        ),
    ),
    Operation(
        "replace in the joint session",
        lambda http, w: http.post(
            f"/api/v1/joint-sessions/{w.session}/replace",
            json={"expert_id": w.aino, "replacement_id": w.sami},
            headers=w.staff,
        ),
        # The second of two replacements finds Aino no longer taking part.
        may_answer=frozenset({200, 404, 409}),
    ),
    Operation(
        "reschedule the joint session",
        lambda http, w: http.post(
            f"/api/v1/joint-sessions/{w.session}/reschedule",
            json={"start": w.iso(14)},
            headers=w.staff,
        ),
    ),
    Operation(
        "cancel the joint session",
        lambda http, w: http.post(
            f"/api/v1/joint-sessions/{w.session}/cancel", json={}, headers=w.staff
        ),
    ),
)


def _working_day() -> date:
    """A weekday, not a holiday, at least two days ahead (past the service's notice)."""
    day = datetime.now(UTC).astimezone(HELSINKI).date() + timedelta(days=2)
    holidays = finnish_holidays(day, day + timedelta(days=14))
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


async def _world(settings: Settings) -> World:
    city = await make_agency("city-business", observe_holidays=False)
    kela = await make_agency("kela", observe_holidays=False)
    aino = await make_expert(city, "Aino Virtanen")
    sami = await make_expert(city, "Sami Sijainen", topics=("permits",))
    kalle = await make_expert(kela, "Kalle Kela")
    service = await make_service(city, experts=[aino], min_notice=60)
    point = ServicePoint(slug="kirjasto", name_fi="Kirjasto", name_sv="Bibliotek", name_en="Lib")
    await point.save()
    room = Room(service_point=point.id, slug="etahuone", name="Etähuone")
    await room.save()
    await ServicePointHours.insert(
        *(
            ServicePointHours(
                service_point=point.id, weekday=d, start_time=clock_time(8), end_time=clock_time(16)
            )
            for d in range(5)
        )
    )
    await create_staff_user(
        email="admin@example.fi", password=STAFF_PASSWORD, name="Admin", roles=["admin"]
    )
    world = World(
        _working_day(), aino, sami, kalle, city, kela, service, point.id, room.id, {},
        settings.privacy_notice_version,
    )  # fmt: skip
    absence = Absence(
        expert=aino, starts_at=world.at(8), ends_at=world.at(12), reason="Koulutus", substitute=sami
    )
    await absence.save()
    world.absence = absence.id
    return world


async def _reset(world: World) -> None:
    """Only the rows a round changes: bookings, joint sessions and their reservations; then
    booking B and joint session J as the module docstring says; one transaction, one commit."""
    async with write_transaction(Reservation._meta.db):
        await _reset_rows(world)


async def _reset_rows(world: World) -> None:
    await Reservation.delete(force=True)
    await JointParticipant.delete(force=True)
    await JointSession.delete(force=True)
    await Booking.delete(force=True)
    start, end = world.at(10), world.at(11)
    booking = Booking(
        reference=new_reference(), service=world.service, expert=world.aino,
        starts_at=start, ends_at=end, channel="video", language="fi", status="confirmed",
        customer_name="Matti Meikäläinen", customer_email="matti@example.com",
        privacy_notice_version=world.privacy_notice_version,
        manage_token_hash=hash_token(MANAGE_TOKEN), video_room=new_room_name(),
    )  # fmt: skip
    await booking.save()
    session = JointSession(
        reference=new_reference(), service_point=world.point, room=world.room,
        starts_at=end, ends_at=world.at(12), customer_name="Yusuf Ali",
        customer_email="yusuf@example.com", video_room=new_room_name(),
    )  # fmt: skip
    await session.save()
    await JointParticipant.insert(
        JointParticipant(joint_session=session.id, expert=world.aino, agency=world.city),
        JointParticipant(joint_session=session.id, expert=world.kalle, agency=world.kela),
    )
    held = [("expert", world.aino, booking.id, None, start, end)] + [
        (kind, key, None, session.id, end, world.at(12))
        for kind, key in (("room", world.room), ("expert", world.aino), ("expert", world.kalle))
    ]
    await Reservation.insert(
        *(
            Reservation(
                resource=f"{kind}:{key}", booking=b, joint_session=j, starts_at=s, ends_at=e
            )
            for kind, key, b, j, s, e in held
        )
    )
    world.booking, world.session = booking.reference, session.reference


async def _race(
    world: World, clients: list[httpx.AsyncClient], first: Operation, second: Operation, n: int
) -> list[str]:
    """One round: reset, both operations at once (each to its own process, alternating),
    then what went wrong (empty when nothing did)."""
    await _reset(world)
    one, other = clients if n % 2 == 0 else clients[::-1]
    answers = await asyncio.gather(first.send(one, world), second.send(other, world))
    problems = [
        f"{op.name} answered {answer.status_code}: {answer.text[:200]}"
        for op, answer in zip((first, second), answers, strict=True)
        if answer.status_code not in op.may_answer
    ]
    return problems + await broken_invariants()


async def test_every_pair_of_booking_writers_keeps_the_invariants(
    settings: Settings, db: None, tmp_path: Path
):
    world = await _world(settings)
    failures: list[str] = []
    tally: Counter[str] = Counter()
    began = time.monotonic()
    with app_processes(settings, log_dir=tmp_path, pool_size=5) as urls:
        clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
        try:
            login = await clients[0].post(
                "/api/v1/auth/login",
                json={"email": "admin@example.fi", "password": STAFF_PASSWORD},
            )
            assert login.status_code == 200, login.text
            world.staff["Authorization"] = f"Bearer {login.json()['access_token']}"
            for operation in OPERATIONS:  # alone, each does what it says
                await _reset(world)
                alone = await operation.send(clients[0], world)
                assert alone.status_code in (200, 201), f"{operation.name}: {alone.text}"
            for first, second in combinations_with_replacement(OPERATIONS, 2):
                for n in range(ROUNDS):
                    problems = await _race(world, clients, first, second, n)
                    tally[f"{first.name} × {second.name}"] += 1
                    failures += [f"{first.name} × {second.name}, round {n}: {p}" for p in problems]
        finally:
            for client in clients:
                await client.aclose()
    logs = "".join(log.read_text() for log in sorted(tmp_path.glob("app-*.log")))  # noqa: ASYNC240
    print(f"{sum(tally.values())} rounds of {len(tally)} pairs in {time.monotonic() - began:.0f} s")
    assert failures == [], "\n".join(failures[:40])
    assert "deadlock" not in logs, logs[-3000:]
    assert "Traceback" not in logs, logs[-3000:]
