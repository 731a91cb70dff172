"""API fuzzing: schemathesis generates requests from `/schema/openapi.json` for every public,
staff and admin operation (with valid tokens) against a real uvicorn process. No answer may be
a 5xx and every answer must match the schema (status documented or not, its body and content
type as declared). Bounded: a fixed number of examples per operation, no shrinking."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from luukku.settings import Settings
from staff.accounts import create_staff_user
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_expert_login,
    make_service,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 15
"""Examples per operation: 43 operations, about 30 s an engine (40 passed too)."""
SKIPPED = {("POST", "/api/v1/auth/logout")}
"""Logging out would revoke the token the other operations use."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_server(db: None, settings: Settings) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, "RATE_LIMITS_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.frontend.live_server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert process.poll() is None, process.communicate()[1].decode()[-2000:]
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _headers_for(path: str, tokens: dict[str, str]) -> dict[str, str]:
    if path.startswith("/api/v1/staff/me"):
        token = tokens["expert"]
    elif path.startswith("/api/v1/bookings/{reference}"):
        token = tokens["manage"]
    elif path.startswith(("/api/v1/admin", "/api/v1/staff", "/api/v1/joint-sessions")):
        token = tokens["admin"]
    else:
        return {}
    return {"Authorization": f"Bearer {token}"}


def _examine(operation: Any, base_url: str, headers: dict[str, str]) -> None:
    """Up to EXAMPLES generated requests to `operation`; raises on the first failure."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    check()


def _fuzz(base_url: str, tokens: dict[str, str]) -> dict[str, str]:
    """Every operation's failure, by operation."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = cast(Any, result).ok()  # an invalid schema raises here
        method = operation.method.upper()
        if (method, operation.path) in SKIPPED:
            continue
        try:
            _examine(operation, base_url, _headers_for(operation.path, tokens))
        except (Exception, BaseExceptionGroup) as exc:  # one run reports every operation's
            failures[f"{method} {operation.path}"] = str(exc)[:3000]
    return failures


async def test_no_operation_answers_5xx_or_off_schema(live_server: str, settings: Settings):
    agency = await make_agency()
    expert = await make_expert(agency, email="aino@example.fi")
    await make_service(agency, experts=[expert])
    await make_expert_login(expert, "aino@example.fi", STAFF_PASSWORD)
    await create_staff_user(
        email="admin@example.fi", password=STAFF_PASSWORD, name="Admin", roles=["admin"]
    )
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        tokens = {}
        for role, email in (("expert", "aino@example.fi"), ("admin", "admin@example.fi")):
            login = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": STAFF_PASSWORD}
            )
            assert login.status_code == 200, login.text
            tokens[role] = login.json()["access_token"]
        booked = await client.post(
            "/api/v1/bookings", json=booking_body("2026-11-25T10:00:00+02:00")
        )
        assert booked.status_code == 201, booked.text
        tokens["manage"] = booked.json()["manage_token"]
    failures = await asyncio.to_thread(_fuzz, live_server, tokens)
    assert not failures, "\n\n".join(f"{op}:\n{text}" for op, text in failures.items())
