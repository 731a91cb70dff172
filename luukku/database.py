"""Database engines from `DATABASE_URL` and binding them to every Piccolo table."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

import msgspec
from litestar.params import Parameter
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


def engine_from_url(url: str) -> Engine:  # type: ignore[type-arg]
    """`sqlite:///path` or `postgresql://user:pass@host:port/db` to a Piccolo engine."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # SQLAlchemy convention: sqlite:///relative.sqlite, sqlite:////absolute.sqlite
        path = unquote(url.removeprefix("sqlite:///"))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if parts.scheme in {"postgres", "postgresql"}:
        return PostgresEngine(
            config={
                "host": parts.hostname or "localhost",
                "port": parts.port or 5432,
                "user": unquote(parts.username or "postgres"),
                "password": unquote(parts.password or ""),
                "database": parts.path.lstrip("/") or "postgres",
            }
        )
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}")


def bind_tables(engine: Engine, tables: Iterable[type[Table]]) -> None:  # type: ignore[type-arg]
    """Point every table at `engine`, so the app factory decides the database, not import order."""
    for table in tables:
        table._meta.db = engine


def write_transaction(engine: Engine) -> Any:  # type: ignore[type-arg]
    """A transaction that writes: IMMEDIATE on SQLite so writers queue instead of deadlocking."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


MAX_ROW_ID = 2**31 - 1
"""The largest id a `Serial` column holds (PostgreSQL `integer`; SQLite's are wider)."""
RowId = Annotated[int, Parameter(ge=1, le=MAX_ROW_ID), msgspec.Meta(ge=1, le=MAX_ROW_ID)]
"""A row id or id cursor from a request, wherever it comes: a path or query parameter
(Litestar reads `Parameter`) or a body field, alone, optional or in a list (msgspec reads
`Meta`). Anything outside a column's range answers 400 naming the field before any query runs
(a larger number overflows the driver and would end in a 500)."""
OptionalRowId = Annotated[int | None, Parameter(ge=1, le=MAX_ROW_ID)]
"""An optional row id or cursor in a query (Litestar checks bounds only on the outer type)."""
