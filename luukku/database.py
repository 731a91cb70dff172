"""Database engines from `DATABASE_URL` and binding them to every Piccolo table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

import msgspec
from litestar.params import Parameter
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


def _postgres_config(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "database": parts.path.lstrip("/") or "postgres",
    }


def engine_from_url(
    url: str, replica_urls: Sequence[str] = (), max_replica_lag_seconds: float = 5.0
) -> Engine:  # type: ignore[type-arg]
    """`sqlite:///path` or `postgresql://user:pass@host:port/db` to a Piccolo engine; with
    `replica_urls` (PostgreSQL only) the primary engine with them as its `extra_nodes`."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # SQLAlchemy convention: sqlite:///relative.sqlite, sqlite:////absolute.sqlite
        path = unquote(url.removeprefix("sqlite:///"))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if parts.scheme in {"postgres", "postgresql"}:
        if replica_urls:
            from luukku.replicas import PrimaryWithReplicas

            return PrimaryWithReplicas(
                _postgres_config(url),
                {
                    f"replica{number}": PostgresEngine(config=_postgres_config(replica))
                    for number, replica in enumerate(replica_urls, start=1)
                },
                max_replica_lag_seconds,
            )
        return PostgresEngine(config=_postgres_config(url))
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


async def keep_session(connection: object) -> None:
    """The pool's `reset`: nothing. Luukku leaves no session state behind (advisory locks are
    transaction-scoped, no LISTEN, no SET outside a transaction; asyncpg still rolls back an
    open transaction), so asyncpg's default reset query (`SELECT pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL;`), one round trip each time a statement outside a
    transaction gives its connection back, is pure cost."""


async def start_pool(engine: PostgresEngine, max_size: int) -> None:
    await engine.start_connection_pool(min_size=1, max_size=max_size, reset=keep_session)


def bind_tables(engine: Engine, tables: Iterable[type[Table]]) -> None:  # type: ignore[type-arg]
    """Point every table at `engine`, so the app factory decides the database, not import order."""
    for table in tables:
        table._meta.db = engine


def write_transaction(engine: Engine) -> Any:  # type: ignore[type-arg]
    """A transaction that writes: IMMEDIATE on SQLite so writers queue instead of deadlocking."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


@asynccontextmanager
async def read_snapshot(engine: Engine) -> AsyncIterator[None]:  # type: ignore[type-arg]
    """A read transaction whose statements all see one snapshot: REPEATABLE READ, READ ONLY on
    PostgreSQL (unless nested in another transaction); SQLite's deferred transaction already
    reads one snapshot (WAL) from its first read on."""
    from luukku.replicas import PrimaryWithReplicas

    if isinstance(engine, PrimaryWithReplicas):
        engine = await engine.reader()  # a replica inside replica_reads(), if one is fit
    outer = engine.current_transaction.get()
    async with engine.transaction():
        if outer is None and isinstance(engine, PostgresEngine):
            await engine.run_querystring(
                QueryString("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            )
        yield


def in_transaction(engine: Engine) -> bool:  # type: ignore[type-arg]
    """Whether this task is inside a transaction of `engine` (or of one of its replicas)."""
    nodes = [engine, *getattr(engine, "extra_nodes", {}).values()]
    return any(node.current_transaction.get() is not None for node in nodes)


MAX_ROW_ID = 2**31 - 1
"""The largest id a `Serial` column holds (PostgreSQL `integer`; SQLite's are wider)."""
RowId = Annotated[int, Parameter(ge=1, le=MAX_ROW_ID), msgspec.Meta(ge=1, le=MAX_ROW_ID)]
"""A row id or id cursor from a request, wherever it comes: a path or query parameter
(Litestar reads `Parameter`) or a body field, alone, optional or in a list (msgspec reads
`Meta`). Anything outside a column's range answers 400 naming the field before any query runs
(a larger number overflows the driver and would end in a 500)."""
OptionalRowId = Annotated[int | None, Parameter(ge=1, le=MAX_ROW_ID)]
"""An optional row id or cursor in a query (Litestar checks bounds only on the outer type)."""
