"""Security-test fixtures: an app with the rate limits on, and clients from given addresses."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from calendars.fetching import Fetcher
from luukku.clock import FixedClock
from luukku.settings import Settings

REDIS_TEST_URL = "redis://127.0.0.1:6379/2"
ClientFrom = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def limited_settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        rate_limits_enabled=True,
        login_attempts_per_minute=3,
        rate_limit_booking="2/hour",
        rate_limit_manage="3/minute",
        rate_limit_data_request="2/hour",
        rate_limit_contact="2/hour",
    )


@pytest.fixture
def limited_app(
    limited_settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    db: None,
) -> Litestar:
    return create_app(limited_settings, clock=clock, engine=engine, fetcher=Fetcher())


@pytest.fixture
def client_from(limited_app: Litestar) -> ClientFrom:
    """`async with client_from("10.0.0.1") as http:` a client calling from that address."""

    @asynccontextmanager
    async def open_client(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=limited_app, client=(address, 40000))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http

    return open_client


# The SMTP server the notification tests use, for the data-request mail.
from tests.notifications.conftest import delivery, smtp_server  # noqa: E402, F401
