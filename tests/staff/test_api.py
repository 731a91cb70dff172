"""Staff sign-in: argon2 passwords, JWT with a kid header, logout, rotation, isolation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest

from staff.accounts import create_staff_user
from staff.auth import key_id
from testdata.factories import booking_body, make_agency, make_expert, make_service

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def expert_login(db: None) -> tuple[int, int]:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    user, _ = await create_staff_user(
        email="aino.virtanen@example.fi",
        password=PASSWORD,
        name="Aino Virtanen",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    return user, expert


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_login_answers_a_bearer_token_with_a_kid_header(client, expert_login, settings):
    response = await login(client, "Aino.Virtanen@example.fi", PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_minutes * 60
    assert jwt.get_unverified_header(body["access_token"])["kid"] == key_id(settings.secret_key)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


async def test_unknown_email_and_wrong_password_answer_the_same(client, expert_login):
    unknown = await login(client, "nobody@example.fi", PASSWORD)
    wrong = await login(client, "aino.virtanen@example.fi", "wrong password!!")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_me_and_my_bookings_need_a_token(client, expert_login):
    assert (await client.get("/api/v1/staff/me")).status_code == 401
    user, expert = expert_login
    booked = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    assert booked.status_code == 201
    token = (await login(client, "aino.virtanen@example.fi", PASSWORD)).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/v1/staff/me", headers=auth)
    assert me.json() | {} == {
        "id": user,
        "name": "Aino Virtanen",
        "email": "aino.virtanen@example.fi",
        "roles": ["expert"],
        "agency": "city-business",
        "expert_id": expert,
        "service_point_id": None,
    }
    mine = await client.get(
        "/api/v1/staff/me/bookings",
        params={"start": "2026-11-23", "end": "2026-11-29"},
        headers=auth,
    )
    assert [b["reference"] for b in mine.json()] == [booked.json()["reference"]]


async def test_an_expert_sees_only_their_own_bookings(client, expert_login):
    agency = await make_agency("kela")
    other = await make_expert(agency, "Riikka Salonen")
    await create_staff_user(
        email="riikka@example.fi",
        password=PASSWORD,
        name="Riikka",
        roles=["expert"],
        agency_id=agency,
        expert_id=other,
    )
    await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    token = (await login(client, "riikka@example.fi", PASSWORD)).json()["access_token"]
    mine = await client.get(
        "/api/v1/staff/me/bookings",
        params={"start": "2026-11-23", "end": "2026-11-29"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert mine.status_code == 200
    assert mine.json() == []


async def test_logout_revokes_the_token(client, expert_login):
    token = (await login(client, "aino.virtanen@example.fi", PASSWORD)).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/v1/auth/logout", headers=auth)).status_code == 204
    assert (await client.get("/api/v1/staff/me", headers=auth)).status_code == 401


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        ({"alg": "none"}, {}),
        ({"kid": "unknown"}, {}),
        ({}, {"aud": "someone-else"}),
        ({}, {"iss": "someone-else"}),
        ({}, {"exp": 1_000_000_000}),
        ({}, {"nbf": 4_000_000_000}),
    ],
    ids=["alg-none", "unknown-kid", "audience", "issuer", "expired", "not-yet-valid"],
)
async def test_tampered_tokens_are_refused(client, expert_login, settings, header, claims):
    user, _ = expert_login
    payload = {
        "sub": str(user),
        "iss": "luukku",
        "aud": "luukku-staff",
        "jti": "x",
        "iat": 1_700_000_000,
        "exp": 4_000_000_000,
        **claims,
    }
    headers = {"kid": key_id(settings.secret_key), **header}
    if header.get("alg") == "none":
        token = jwt.encode(payload, "", algorithm="none", headers=headers)
    else:
        token = jwt.encode(payload, settings.secret_key, algorithm="HS256", headers=headers)
    response = await client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_a_wrong_signature_is_refused(client, expert_login, settings):
    token = (await login(client, "aino.virtanen@example.fi", PASSWORD)).json()["access_token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = await client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_create_admin_cli_is_idempotent(tmp_path, settings):
    env = {
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "DEMO_MODE": "false",
        "PATH": "/usr/bin:/bin",
    }
    command = [
        sys.executable,
        "-m",
        "litestar",
        "--app",
        "app:app",
        "create-admin",
        "--email",
        "root@example.fi",
        "--password",
        "a long admin password",
    ]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "Already present" in second.stdout
