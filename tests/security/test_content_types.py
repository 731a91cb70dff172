"""The JSON API cannot be driven cross-site: it takes bearer tokens only (never the session
cookie a browser attaches to a forged request), and JSON routes refuse any other body type
with 415, so a cross-site form or a `text/plain` fetch reaches no handler. Legitimate clients
(bearer JSON, the pages with their cookie and CSRF token) go on working."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from booking.tables import Booking
from staff.auth import COOKIE
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_expert_login,
    make_service,
)

EVIL = {"Origin": "https://evil.example"}
ABSENCE = {"start": "2026-12-01T08:00:00+02:00", "end": "2026-12-01T16:00:00+02:00"}


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """Over https, as in production: the session cookie is `Secure`."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, db: None) -> str:
    """Aino signs in through the API; the client now holds her session cookie too."""
    agency = await make_agency()
    expert = await make_expert(agency, email="aino@example.fi")
    await make_service(agency, experts=[expert])
    await make_expert_login(expert, "aino@example.fi", STAFF_PASSWORD)
    login = await client.post(
        "/api/v1/auth/login", json={"email": "aino@example.fi", "password": STAFF_PASSWORD}
    )
    assert login.status_code == 200
    assert client.cookies.get(COOKIE)
    return str(login.json()["access_token"])


async def test_the_session_cookie_alone_does_not_drive_the_api(
    client: httpx.AsyncClient, signed_in: str
):
    absence = await client.post("/api/v1/staff/me/absences", json=ABSENCE, headers=EVIL)
    rotated = await client.post("/api/v1/staff/me/feed/rotate", headers=EVIL)
    me = await client.get("/api/v1/staff/me")
    page = await client.get("/staff/calendar")  # the cookie is sent, and good for pages
    assert page.status_code == 200
    assert (absence.status_code, rotated.status_code, me.status_code) == (401, 401, 401)
    assert absence.headers["content-type"].startswith("application/problem+json")


async def test_json_sent_as_text_plain_is_refused_with_415(
    client: httpx.AsyncClient, signed_in: str
):
    bearer = {"Authorization": f"Bearer {signed_in}", **EVIL}
    response = await client.post(
        "/api/v1/staff/me/absences",
        content=json.dumps(ABSENCE),
        headers={**bearer, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 415


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
async def test_a_booking_in_another_body_type_is_refused_and_nothing_is_booked(
    client: httpx.AsyncClient, signed_in: str, content_type: str | None
):
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(
        "/api/v1/bookings",
        content=json.dumps(booking_body("2026-11-25T10:00:00+02:00")),
        headers=headers,
    )
    assert response.status_code == 415
    assert await Booking.count() == 0


async def test_bearer_clients_with_json_still_work(client: httpx.AsyncClient, signed_in: str):
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {signed_in}"}
    absence = await client.post("/api/v1/staff/me/absences", json=ABSENCE, headers=bearer)
    rotated = await client.post("/api/v1/staff/me/feed/rotate", headers=bearer)
    charset = await client.post(
        "/api/v1/bookings",
        content=json.dumps(booking_body("2026-11-25T10:00:00+02:00")),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert (absence.status_code, rotated.status_code, charset.status_code) == (201, 200, 201)
    manage = {"Authorization": f"Bearer {charset.json()['manage_token']}"}
    # A route whose body is optional may be called with none at all.
    cancelled = await client.post(
        f"/api/v1/bookings/{charset.json()['reference']}/cancel", headers=manage
    )
    assert cancelled.status_code == 200


async def test_the_pages_still_take_the_session_cookie(client: httpx.AsyncClient, signed_in: str):
    page = await client.get("/staff/calendar")
    assert page.status_code == 200
