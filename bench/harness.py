"""What every benchmark shares: the database it runs on (a fresh SQLite file, or a PostgreSQL
database made anew), the schema migrated, a count of the queries a request runs, and the
machine's and packages' names for the report."""

from __future__ import annotations

import asyncio
import os
import sys
import time as timer
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from piccolo.engine.base import Engine

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class QueryCounter:
    """Queries run through the engine and the time spent inside the engine's methods."""

    queries: int = 0
    seconds: float = 0.0
    record: bool = False
    statements: list[str] = field(default_factory=list)


def count_queries(engine: Engine[Any]) -> QueryCounter:
    """Count every query of this engine instance.

    Every Piccolo query (`Query._run`) goes through `engine.run_querystring` and every DDL
    statement through `engine.run_ddl`; each call is one round trip (SQLite opens a connection
    per call outside transactions, PostgreSQL takes one from the pool). Piccolo's engines use
    `__slots__`, so the methods cannot be replaced on the instance: the instance is moved to a
    throw-away subclass that wraps the two, which leaves `isinstance` checks and other engines
    untouched.
    """
    counter = QueryCounter()
    base = type(engine)

    def counting(name: str) -> Callable[..., Awaitable[Any]]:
        run: Callable[..., Awaitable[Any]] = getattr(base, name)

        async def counted(self: Engine[Any], *args: Any, **kwargs: Any) -> Any:
            started = timer.perf_counter()
            try:
                return await run(self, *args, **kwargs)
            finally:
                counter.queries += 1
                counter.seconds += timer.perf_counter() - started
                if counter.record:
                    counter.statements.append(" ".join(str(args[0] if args else kwargs).split()))

        return counted

    namespace = {
        "__slots__": (),
        "run_querystring": counting("run_querystring"),
        "run_ddl": counting("run_ddl"),
    }
    engine.__class__ = type(f"Counting{base.__name__}", (base,), namespace)
    return counter


def display_url(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


async def prepare_postgres(url: str) -> str | None:
    """Create the database if missing and empty its public schema; its version, or None if down."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "luukku_bench"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = await asyncpg.connect(admin_url, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        print(f"note: PostgreSQL at {display_url(url)} is unreachable ({exc!r}); skipped")
        return None
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            quoted = name.replace('"', '""')
            await admin.execute(f'CREATE DATABASE "{quoted}"')
        version = str(await admin.fetchval("SHOW server_version"))
    finally:
        await admin.close()
    connection = await asyncpg.connect(url, timeout=5)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return version


async def migrate(url: str) -> None:
    """`piccolo migrations forwards all` against `url`, as the test suite builds its schema."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "piccolo.main",
        "migrations",
        "forwards",
        "all",
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "PICCOLO_CONF": "piccolo_conf"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"migrations failed on {display_url(url)}:\n{output.decode()}")


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
