"""Rate limits: 429 with Retry-After as problem details past each limit, per address and per
email, counted in the database or Redis, and open again once the window is over."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from piccolo.engine.base import Engine

from luukku.clock import FixedClock
from luukku.settings import Settings, parse_rate
from security.rate_limits import DatabaseCounters, RateLimiter, RateRule, RedisCounters
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.frontend.conftest import csrf_token
from tests.security.conftest import REDIS_TEST_URL, ClientFrom


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    return expert


def _assert_limited(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 429
    retry_after = int(response.headers["retry-after"])
    assert retry_after > 0
    return retry_after


async def _login(http: httpx.AsyncClient, email: str = "x@example.fi") -> httpx.Response:
    return await http.post("/api/v1/auth/login", json={"email": email, "password": "wrong"})


async def test_login_is_limited_per_address_and_opens_after_the_window(
    client_from: ClientFrom, clock: FixedClock
):
    async with client_from("10.0.0.1") as http:
        for n in range(3):
            assert (await _login(http, f"user{n}@example.fi")).status_code == 401
        retry_after = _assert_limited(await _login(http, "user9@example.fi"))
        assert retry_after <= 60
        async with client_from("10.0.0.2") as other:
            assert (await _login(other, "someone@example.fi")).status_code == 401
        clock.current += timedelta(seconds=retry_after)
        assert (await _login(http, "user9@example.fi")).status_code == 401


async def test_booking_creation_is_limited_per_email(
    client_from: ClientFrom, advisor: int, clock: FixedClock
):
    starts = ["2026-11-24T09:00:00+02:00", "2026-11-24T11:00:00+02:00"]
    for n, start in enumerate(starts):
        async with client_from(f"10.0.2.{n}") as http:
            booked = await http.post("/api/v1/bookings", json=booking_body(start))
            assert booked.status_code == 201
    async with client_from("10.0.2.9") as http:
        third = await http.post("/api/v1/bookings", json=booking_body("2026-11-24T13:00:00+02:00"))
        retry_after = _assert_limited(third)
        clock.current += timedelta(seconds=retry_after)
        again = await http.post("/api/v1/bookings", json=booking_body("2026-11-24T13:00:00+02:00"))
        assert again.status_code == 201, again.text


async def test_manage_token_routes_are_limited_per_address(client_from: ClientFrom, advisor: int):
    async with client_from("10.0.3.1") as http:
        guess = {"Authorization": "Bearer guessed-token"}
        for _ in range(3):
            response = await http.get("/api/v1/bookings/LK-AAAA-AAAA", headers=guess)
            assert response.status_code == 404
        _assert_limited(await http.post("/api/v1/bookings/LK-AAAA-AAAA/cancel", headers=guess))
        page = await http.get("/bookings/LK-AAAA-AAAA/manage", params={"token": "guess"})
        assert page.status_code == 429
        assert int(page.headers["retry-after"]) > 0


async def test_login_form_is_limited_too(client_from: ClientFrom):
    async with client_from("10.0.4.1") as http:
        form = await http.get("/staff/login")
        token = csrf_token(form.text)
        statuses = []
        for _ in range(4):
            response = await http.post(
                "/staff/login",
                data={"_csrf_token": token, "email": "a@example.fi", "password": "wrong"},
            )
            statuses.append(response.status_code)
        assert 429 not in statuses[:3]
        assert statuses[3] == 429


async def test_disabled_limits_let_everything_through(
    settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
):
    limiter = RateLimiter(
        DatabaseCounters(engine), {"login": RateRule(1, 60)}, clock, enabled=False
    )
    for _ in range(5):
        await limiter.check("login", ["ip:10.0.0.1"])
    assert Settings.from_env({"RATE_LIMITS_ENABLED": "false"}).rate_limits_enabled is False
    assert Settings.from_env({}).rate_limits_enabled is True


def test_limits_are_read_from_the_environment():
    settings = Settings.from_env({"RATE_LIMIT_BOOKING": "7/day", "RATE_LIMIT_CONTACT": "3/minute"})
    assert parse_rate(settings.rate_limit_booking) == (7, 86400)
    assert parse_rate(settings.rate_limit_contact) == (3, 60)
    with pytest.raises(ValueError, match="count/unit"):
        Settings.from_env({"RATE_LIMIT_MANAGE": "lots"})


async def test_redis_counters_share_counts_and_expire_with_the_window():
    counters = RedisCounters(REDIS_TEST_URL)
    key = f"test:{uuid.uuid4().hex}"
    try:
        # The window's end on an app clock days behind Redis's: the key still lives its
        # lifetime (an absolute expiry in Redis's past would drop it at once).
        expires = datetime.now(UTC) - timedelta(days=3)
        assert [await counters.hit(key, expires, 2) for _ in range(3)] == [1, 2, 3]
        ttl = await counters._redis.ttl(f"luukku:rate:{key}")
        assert 0 < ttl <= 2
    finally:
        await counters._redis.delete(f"luukku:rate:{key}")
        await counters.close()


async def test_app_with_redis_limits_logins(
    limited_settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    db: None,
):
    from app import create_app

    # A window no earlier run of this test used (counters outlive a run by up to a minute);
    # the test clock may lie before or after Redis's own.
    clock.current = datetime(2026, 11, 23, 8, 0, tzinfo=UTC) + timedelta(
        minutes=uuid.uuid4().int % 100_000
    )
    app = create_app(
        dataclasses.replace(limited_settings, redis_url=REDIS_TEST_URL), clock=clock, engine=engine
    )
    transport = httpx.ASGITransport(app=app, client=("10.0.5.1", 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        for n in range(3):
            assert (await _login(http, f"r{n}@example.fi")).status_code == 401
        _assert_limited(await _login(http, "r9@example.fi"))
    await app.state["rate_limiter"].counters.close()


async def test_a_limited_form_still_reads_its_fields(client_from: ClientFrom, advisor: int):
    """The guard reads the body to count the email; the handler must still get the form."""
    from testdata.factories import make_expert_login

    await make_expert_login(advisor, "aino@example.fi", "correct horse battery")
    async with client_from("10.0.6.1") as http:
        form = await http.get("/staff/login")
        response = await http.post(
            "/staff/login",
            data={
                "_csrf_token": csrf_token(form.text),
                "email": "aino@example.fi",
                "password": "correct horse battery",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/calendar"
