"""Test fixtures: one suite, two engines. `LUUKKU_TEST_DATABASE_URL` picks PostgreSQL;
without it every run gets a fresh SQLite file. The schema is built by the real migrations."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.querystring import QueryString

from app import ALL_TABLES, create_app
from calendars.fetching import Fetcher
from luukku.clock import FixedClock
from luukku.database import bind_tables, engine_from_url
from luukku.settings import Settings

# Shared worlds of test data, as fixtures for every test module.
pytest_plugins = [
    "tests.joint_world",
    "tests.quality_world",
    "tests.report_world",
    "tests.oidc_provider",
]

ROOT = Path(__file__).resolve().parent.parent
# A Monday morning in Helsinki, well before the DST change of 2027.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'luukku-test.sqlite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("LUUKKU_TEST_DATABASE_URL") or _sqlite_url(tmp_path_factory)


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgres")


def _reset_postgres(url: str) -> None:
    import asyncpg

    async def reset() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()

    asyncio.run(reset())


@pytest.fixture(scope="session")
def migrated_database(database_url: str, is_postgres: bool) -> str:
    """An empty database brought to the current schema by `piccolo migrations forwards all`."""
    if is_postgres:
        _reset_postgres(database_url)
    env = {**os.environ, "DATABASE_URL": database_url, "PICCOLO_CONF": "piccolo_conf"}
    result = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return database_url


@pytest.fixture(scope="session")
def settings(migrated_database: str) -> Settings:
    return Settings(
        database_url=migrated_database,
        secret_key="test-secret-that-is-long-enough-for-hs256",
        demo_mode=False,
        public_base_url="https://luukku.test",
        video_base_url="https://video.test",
        run_worker_in_app=False,
        # Tests of other things book and sign in many times from one address;
        # tests/security/test_rate_limits.py turns the limits on.
        rate_limits_enabled=False,
    )


@pytest.fixture(scope="session")
def session_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def clock(session_clock: FixedClock) -> FixedClock:
    """The clock of the session's app, back at the suite's Monday morning for every test."""
    session_clock.current = NOW
    return session_clock


_TABLE_NAMES = [table._meta.tablename for table in ALL_TABLES]
_TRUNCATE = f"TRUNCATE {', '.join(_TABLE_NAMES)} RESTART IDENTITY CASCADE"
# SQLite has no TRUNCATE: one script, one transaction, children before parents.
# The names are the application's own table names, never input.
_DELETES = [f"DELETE FROM {name};" for name in reversed(_TABLE_NAMES)]  # noqa: S608
_DELETE_ALL = "".join(["BEGIN IMMEDIATE;", *_DELETES, "COMMIT;"])


async def _empty_tables(engine: Engine) -> None:  # type: ignore[type-arg]
    """Every table emptied in one statement (PostgreSQL) or one script (SQLite)."""
    if isinstance(engine, PostgresEngine):
        await engine.run_querystring(QueryString(_TRUNCATE))
        return
    assert isinstance(engine, SQLiteEngine)
    async with aiosqlite.connect(engine.path, timeout=30) as connection:
        await connection.executescript(_DELETE_ALL)


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[Engine]:  # type: ignore[type-arg]
    """The test database's engine, with one connection pool on PostgreSQL for the session
    (the suite runs on one event loop)."""
    engine = engine_from_url(settings.database_url)
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=20)
    yield engine
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


@pytest.fixture
async def db(engine: Engine) -> None:  # type: ignore[type-arg]
    """Tables bound to the test database and emptied before the test."""
    bind_tables(engine, ALL_TABLES)
    await _empty_tables(engine)


@pytest.fixture(scope="session")
def session_app(settings: Settings, session_clock: FixedClock, engine: Engine) -> Litestar:  # type: ignore[type-arg]
    """The app, built once per session and engine (building one costs far more than a test).
    Tests serve calendars on loopback, so this app may fetch from private addresses."""
    app = create_app(
        settings, clock=session_clock, engine=engine, fetcher=Fetcher(allow_private=True)
    )
    app.state["built_with"] = frozenset({*app.state.keys(), "built_with"})
    return app


@pytest.fixture
def app(session_app: Litestar, clock: FixedClock, db: None) -> Litestar:
    """The session's app on an emptied database, its clock back at the suite's start, and
    without what earlier tests left in its state (caches made on first use, such as the feed
    cache: with the database emptied and ids restarted, their keys would match again)."""
    state = session_app.state
    for key in set(state.keys()) - state["built_with"]:
        del state[key]
    return session_app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app; the pool comes from the `engine` fixture, not the lifespan."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
