"""Guessing a staff member's password from many addresses slows sign-ins to that email down
(doubling, capped) and tells the member by email; it never locks the member out. The limit
per address stays."""

from __future__ import annotations

import dataclasses
import time

import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from calendars.fetching import Fetcher
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.delivery import Delivery, send_due
from notifications.tables import OutboxMessage
from staff.sign_in import delay_for
from testdata.factories import STAFF_PASSWORD, make_agency, make_expert, make_expert_login
from tests.notifications.conftest import SmtpServer, delivery, smtp_server  # noqa: F401
from tests.security.conftest import ClientFrom, client_from  # noqa: F401

MEMBER = "aino@example.fi"


@pytest.fixture
def limited_settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        rate_limits_enabled=True,
        login_attempts_per_minute=3,
        login_free_attempts=2,
        # Long against the password check's own time (about 1 s on a busy machine); the
        # doubling itself is shown by the curve below.
        login_delay_seconds=1.5,
        login_delay_cap_seconds=1.5,
        login_notice_after=6,
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
async def member(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency, email=MEMBER)
    return await make_expert_login(expert, MEMBER, STAFF_PASSWORD)


def test_the_delay_doubles_after_the_free_attempts_and_stops_at_the_cap():
    settings = Settings()
    delays = [delay_for(n, settings) for n in range(1, 12)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 16]


async def test_ten_wrong_passwords_from_ten_addresses_do_not_lock_the_member_out(
    client_from: ClientFrom,  # noqa: F811
    member: int,
    delivery: Delivery,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
    clock: FixedClock,
):
    took = []
    for n in range(10):
        async with client_from(f"10.0.5.{n}") as http:
            started = time.monotonic()
            wrong = await http.post(
                "/api/v1/auth/login", json={"email": MEMBER, "password": "wrong password!"}
            )
            took.append(time.monotonic() - started)
            assert wrong.status_code == 401
    # Slowed after the free attempts: each waited at least its delay (a lower bound that
    # holds however busy the machine is; the check's own time varies too much to compare).
    assert min(took[2:]) >= 1.5
    async with client_from("10.0.5.99") as http:
        right = await http.post(
            "/api/v1/auth/login", json={"email": MEMBER, "password": STAFF_PASSWORD}
        )
        assert right.status_code == 200
        page = await http.get("/staff/login")
        assert page.status_code == 200
    # Told once, in the member's language, through the outbox.
    assert await OutboxMessage.count().where(OutboxMessage.kind == "login_warning") == 1
    await send_due(delivery, clock.now())
    [notice] = [m for m in smtp_server.received if MEMBER in str(m["To"])]
    assert "yritetään kirjautua" in str(notice["Subject"])


async def test_the_address_limit_still_holds(client_from: ClientFrom, member: int):  # noqa: F811
    async with client_from("10.0.6.1") as http:
        answers = [
            (
                await http.post(
                    "/api/v1/auth/login", json={"email": f"u{n}@example.fi", "password": "x"}
                )
            ).status_code
            for n in range(4)
        ]
    assert answers == [401, 401, 401, 429]


async def test_guessing_an_unknown_email_tells_nobody(
    client_from: ClientFrom,  # noqa: F811
    member: int,
):
    for n in range(8):
        async with client_from(f"10.0.7.{n}") as http:
            response = await http.post(
                "/api/v1/auth/login", json={"email": "nobody@example.fi", "password": "x"}
            )
            assert response.status_code == 401
    assert await OutboxMessage.count().where(OutboxMessage.kind == "login_warning") == 0
