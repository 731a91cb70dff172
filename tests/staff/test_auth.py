"""Tokens: staff JWTs refused unless everything about them is right (the refusals of
tampered claims are in tests/staff/test_api.py), signing keys rotate without
signing anyone out, and manage tokens are unguessable, hashed, scoped and expiring."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import jwt
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from booking.bookings.lifecycle import hash_token
from booking.tables import Booking
from luukku.clock import FixedClock
from luukku.settings import Settings
from staff.accounts import create_staff_user
from staff.auth import key_id
from testdata.factories import booking_body, make_agency, make_expert, make_service

PASSWORD = "correct horse battery"
OLD_KEY = "the-key-we-used-last-month-long-enough-for-hs256"


@pytest.fixture
async def member(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    user, _ = await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    return user


def _claims(user: int, **changes: object) -> dict[str, object]:
    return {
        "sub": str(user),
        "iss": "luukku",
        "aud": "luukku-staff",
        "jti": "j1",
        "iat": 1_700_000_000,
        "exp": 4_000_000_000,
        **changes,
    }


async def _me(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_a_well_formed_token_is_accepted(client, member, settings):
    token = jwt.encode(
        _claims(member), settings.secret_key, "HS256", headers={"kid": key_id(settings.secret_key)}
    )
    assert await _me(client, token) == 200


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS512", "HS384"])
async def test_an_unexpected_algorithm_is_refused_even_with_the_right_key(
    client, member, settings, algorithm
):
    token = jwt.encode(
        _claims(member),
        settings.secret_key,
        algorithm,
        headers={"kid": key_id(settings.secret_key)},
    )
    assert await _me(client, token) == 401


async def test_a_token_without_a_kid_is_refused(client, member, settings):
    token = jwt.encode(_claims(member), settings.secret_key, "HS256")
    assert await _me(client, token) == 401


async def test_a_token_missing_a_required_claim_is_refused(client, member, settings):
    claims = _claims(member)
    del claims["exp"]
    token = jwt.encode(
        claims, settings.secret_key, "HS256", headers={"kid": key_id(settings.secret_key)}
    )
    assert await _me(client, token) == 401


async def test_rotated_keys_keep_old_tokens_valid_until_the_old_key_is_dropped(
    settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    member: int,
):
    old_token = jwt.encode(_claims(member), OLD_KEY, "HS256", headers={"kid": key_id(OLD_KEY)})

    async def status_with(previous: tuple[str, ...]) -> int:
        app = create_app(
            dataclasses.replace(settings, previous_secret_keys=previous), clock=clock, engine=engine
        )
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await _me(http, old_token)

    assert await status_with((OLD_KEY,)) == 200
    assert await status_with(()) == 401


async def _book(client: httpx.AsyncClient, start: str) -> dict[str, str]:
    response = await client.post("/api/v1/bookings", json=booking_body(start))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_manage_tokens_are_long_random_and_stored_only_hashed(client, member):
    first = await _book(client, "2026-11-24T09:00:00+02:00")
    second = await _book(client, "2026-11-24T11:00:00+02:00")
    assert first["manage_token"] != second["manage_token"]
    assert len(first["manage_token"]) >= 43  # 32 random bytes, URL-safe base64
    row = await Booking.select().where(Booking.reference == first["reference"]).first()
    assert row is not None
    assert first["manage_token"] not in str(row)
    assert row["manage_token_hash"] == hash_token(first["manage_token"])


async def test_a_manage_token_opens_only_its_own_booking(client, member):
    first = await _book(client, "2026-11-24T09:00:00+02:00")
    second = await _book(client, "2026-11-24T11:00:00+02:00")
    auth = {"Authorization": f"Bearer {first['manage_token']}"}
    assert (
        await client.get(f"/api/v1/bookings/{first['reference']}", headers=auth)
    ).status_code == 200
    other = await client.get(f"/api/v1/bookings/{second['reference']}", headers=auth)
    assert other.status_code == 404
    cancel = await client.post(f"/api/v1/bookings/{second['reference']}/cancel", headers=auth)
    assert cancel.status_code == 404
    hashed = {"Authorization": f"Bearer {hash_token(first['manage_token'])}"}
    assert (
        await client.get(f"/api/v1/bookings/{first['reference']}", headers=hashed)
    ).status_code == 404


async def test_a_manage_token_stops_working_30_days_after_the_appointment(
    client: httpx.AsyncClient, app: Litestar, clock: FixedClock, member: int
):
    booked = await _book(client, "2026-11-24T09:00:00+02:00")
    auth = {"Authorization": f"Bearer {booked['manage_token']}"}
    url = f"/api/v1/bookings/{booked['reference']}"
    end = clock.current.replace(day=24, hour=8)  # 10:00 Helsinki is 08:00 UTC
    clock.current = end + timedelta(days=30)
    assert (await client.get(url, headers=auth)).status_code == 200
    clock.current = end + timedelta(days=30, minutes=1)
    assert (await client.get(url, headers=auth)).status_code == 404
