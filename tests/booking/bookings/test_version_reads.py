"""Shared version reads (booking/bookings/version_reads.py): concurrent checks share one
statement, yet none is answered by a read that started before it asked."""

from __future__ import annotations

import asyncio

import pytest

from booking.bookings.version_reads import Scopes, SharedVersionReads, Versions

SCOPES: Scopes = ("catalogue", "expert:1")


class Database:
    """A stand-in for the statement: each read returns the version current when it *starts*
    and finishes only when the test lets it."""

    def __init__(self) -> None:
        self.version = 1
        self.started: list[int] = []
        self.release: list[asyncio.Event] = []

    async def read(self, scopes: Scopes) -> Versions:
        seen = self.version
        self.started.append(seen)
        gate = asyncio.Event()
        self.release.append(gate)
        await gate.wait()
        return (0, seen)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_concurrent_checks_of_the_same_scopes_share_one_statement() -> None:
    database = Database()
    reads = SharedVersionReads(database.read)
    callers = [asyncio.create_task(reads(SCOPES)) for _ in range(10)]
    await settle()
    assert len(database.started) == 1
    database.release[0].set()
    assert await asyncio.gather(*callers) == [(0, 1)] * 10


async def test_a_check_made_while_a_read_runs_waits_for_a_read_started_after_it() -> None:
    database = Database()
    reads = SharedVersionReads(database.read)
    early = asyncio.create_task(reads(SCOPES))
    await settle()
    database.version = 2  # a commit lands while the first read is under way
    late = [asyncio.create_task(reads(SCOPES)) for _ in range(5)]
    await settle()
    assert database.started == [1], "the later checks must not start a read of their own yet"
    database.release[0].set()
    assert await early == (0, 1)
    await settle()
    assert database.started == [1, 2], "one more read, started after the late checks asked"
    database.release[1].set()
    assert await asyncio.gather(*late) == [(0, 2)] * 5


async def test_different_scopes_are_read_separately() -> None:
    database = Database()
    reads = SharedVersionReads(database.read)
    first = asyncio.create_task(reads(("catalogue", "expert:1")))
    second = asyncio.create_task(reads(("catalogue", "expert:2")))
    await settle()
    assert len(database.started) == 2
    for gate in database.release:
        gate.set()
    await asyncio.gather(first, second)


async def test_a_failed_read_fails_every_check_that_shared_it_and_the_next_read_runs() -> None:
    calls = 0

    async def failing_once(scopes: Scopes) -> Versions:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if calls == 1:
            raise ConnectionError("database went away")
        return (7,)

    reads = SharedVersionReads(failing_once)
    results = await asyncio.gather(*(reads(SCOPES) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in results)
    assert await reads(SCOPES) == (7,)


async def test_one_cancelled_check_does_not_cancel_the_read_others_wait_for() -> None:
    database = Database()
    reads = SharedVersionReads(database.read)
    leaving = asyncio.create_task(reads(SCOPES))
    staying = asyncio.create_task(reads(SCOPES))
    await settle()
    leaving.cancel()
    await settle()
    database.release[0].set()
    assert await staying == (0, 1)
    with pytest.raises(asyncio.CancelledError):
        await leaving


@pytest.mark.usefixtures("db")
async def test_inside_a_transaction_versions_are_read_in_it_never_from_a_shared_read() -> None:
    """A read queued by a request outside any transaction must not answer one inside a
    transaction: that one has to see its own snapshot and its own uncommitted raises."""
    from booking.bookings.slot_cache import LocalSlotCache
    from booking.tables import AvailabilityVersion
    from luukku.database import write_transaction

    scopes: Scopes = ("expert:77",)
    await AvailabilityVersion.insert(AvailabilityVersion(scope="expert:77", version=1))
    cache = LocalSlotCache()
    # Another request's read, queued and not started yet: it would answer version 1.
    queued: asyncio.Future[Versions] = asyncio.get_running_loop().create_future()
    queued.set_result((1,))
    cache._shared_reads._queued[scopes] = queued

    async with write_transaction(AvailabilityVersion._meta.db):
        await AvailabilityVersion.update({AvailabilityVersion.version: 2}).where(
            AvailabilityVersion.scope == "expert:77"
        )
        assert await cache.current_versions(scopes) == (2,)
    assert await cache.current_versions(scopes) == (1,), "outside, the queued read is shared"
