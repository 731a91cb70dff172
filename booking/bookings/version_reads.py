"""Shared version reads: concurrent checks of the same kept result share one statement.

A kept slot search answers only after its availability versions are read again
(booking/bookings/slot_cache.py). Under load many requests check the same kept result at the
same moment; each would run the same statement. Here a request joins the next read of its
scopes that has not started yet, or starts one: a read that began before the request arrived
is never shared with it, so every answer still reflects every commit made before its request
arrived (nothing is staler than with a read of its own). At most one read per scopes is in
flight, and one more waits for it, however many requests ask.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Scopes = tuple[str, ...]
Versions = tuple[int, ...]


class SharedVersionReads:
    """`await reads(scopes)`: the versions, read by a statement started after the call."""

    def __init__(self, read: Callable[[Scopes], Awaitable[Versions]]) -> None:
        self._read = read
        self._queued: dict[Scopes, asyncio.Future[Versions]] = {}
        """The next read of each scopes, not started yet: a caller may still join it."""
        self._running: dict[Scopes, asyncio.Future[Versions]] = {}

    async def __call__(self, scopes: Scopes) -> Versions:
        loop = asyncio.get_running_loop()
        batch = self._queued.get(scopes)
        if batch is None or batch.get_loop() is not loop:
            batch = loop.create_future()
            self._queued[scopes] = batch
            running = self._running.get(scopes)
            if running is not None and running.get_loop() is loop and not running.done():
                running.add_done_callback(lambda _: self._start(scopes, batch))
            else:
                self._start(scopes, batch)
        # Shielded: one caller's cancellation must not cancel the read the others wait for.
        return await asyncio.shield(batch)

    def _start(self, scopes: Scopes, batch: asyncio.Future[Versions]) -> None:
        task = asyncio.ensure_future(self._run(scopes, batch))
        task.add_done_callback(lambda done: self._finish(scopes, batch, done))

    async def _run(self, scopes: Scopes, batch: asyncio.Future[Versions]) -> Versions:
        # From here on the statement may be under way: later callers wait for the next read.
        if self._queued.get(scopes) is batch:
            del self._queued[scopes]
        self._running[scopes] = batch
        return await self._read(scopes)

    def _finish(
        self, scopes: Scopes, batch: asyncio.Future[Versions], task: asyncio.Future[Versions]
    ) -> None:
        if self._running.get(scopes) is batch:
            del self._running[scopes]
        if batch.done():
            return
        if task.cancelled():
            batch.cancel()
        elif (error := task.exception()) is not None:
            batch.set_exception(error)
        else:
            batch.set_result(task.result())
