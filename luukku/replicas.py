"""Reads from PostgreSQL streaming replicas: slot searches, the catalogue, the directory and
feeds ask for them with `replica_reads()`; everything else, every write and every read inside
a primary transaction (a booking's re-check) stays on the primary.

The replicas are Piccolo `extra_nodes` of the primary engine (`REPLICA_DATABASE_URLS`). A
replica further behind than `REPLICA_MAX_LAG_SECONDS` (measured at most once a second per
process, from `pg_last_xact_replay_timestamp()`), or unreachable, is skipped; with none fit,
reads go to the primary. A stale replica can make a search offer a time that is already taken;
the booking then meets the primary's check and answers 409 with alternatives, never a double
booking.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from luukku.metrics import Reading

logger = logging.getLogger(__name__)

LAG_CHECK_EVERY_SECONDS = 1.0
LAG_QUERY = QueryString(
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) "
    "END AS lag"
)
"""Seconds a replica is behind: 0 when it has replayed all it received, else the age of the
last transaction it replayed."""

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Statements run inside (outside a primary transaction) may be answered by a replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaLag:
    """A replica's lag, measured again once it is older than a second."""

    def __init__(self) -> None:
        self.seconds = math.inf
        self.checked = -math.inf

    async def current(self, replica: PostgresEngine) -> float:
        if time.monotonic() - self.checked >= LAG_CHECK_EVERY_SECONDS:
            self.checked = time.monotonic()
            try:
                rows = await PostgresEngine.run_querystring(replica, LAG_QUERY)
                self.seconds = float(rows[0]["lag"])
            except Exception as exc:  # an unreachable replica is one not to read from
                logger.warning("replica lag unknown: %r", exc)
                self.seconds = math.inf
        return self.seconds


class PrimaryWithReplicas(PostgresEngine):
    """The primary engine; inside `replica_reads()` and outside its own transactions it hands
    statements and transactions to the first replica within the allowed lag."""

    def __init__(
        self,
        config: dict[str, Any],
        extra_nodes: Mapping[str, PostgresEngine],
        max_lag_seconds: float,
    ) -> None:
        super().__init__(config=config, extra_nodes=extra_nodes)
        self.max_lag_seconds = max_lag_seconds
        self.lags = {name: ReplicaLag() for name in extra_nodes}
        self._turn = itertools.count()

    async def reader(self) -> PostgresEngine:
        """Where a replica read goes now: a fit replica (in turn), else the primary."""
        if not _replica_reads.get() or self.current_transaction.get() is not None:
            return self
        for replica in self.extra_nodes.values():
            if replica.current_transaction.get() is not None:
                return replica  # inside a read transaction begun on it
        names = list(self.extra_nodes)
        first = next(self._turn)
        for offset in range(len(names)):
            name = names[(first + offset) % len(names)]
            if await self.lags[name].current(self.extra_nodes[name]) <= self.max_lag_seconds:
                return self.extra_nodes[name]
        return self

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        engine = await self.reader()
        if engine is self:
            return await super().run_querystring(querystring, in_pool=in_pool)
        return await engine.run_querystring(querystring, in_pool=in_pool)

    async def start_connection_pool(self, **kwargs: Any) -> None:
        await super().start_connection_pool(**kwargs)
        for replica in self.extra_nodes.values():
            await replica.start_connection_pool(**kwargs)

    async def close_connection_pool(self) -> None:
        for replica in self.extra_nodes.values():
            await replica.close_connection_pool()
        await super().close_connection_pool()

    async def lag_readings(self, now: datetime) -> Sequence[Reading]:
        """Each replica's lag for /metrics (+Inf when unreachable)."""
        return [
            Reading(
                "replica_lag_seconds",
                "Seconds a read replica is behind the primary.",
                await self.lags[name].current(replica),
                (("replica", name),),
            )
            for name, replica in self.extra_nodes.items()
        ]
