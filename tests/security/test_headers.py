"""Security headers on every kind of response, and the request body size limit."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from luukku.clock import FixedClock
from luukku.settings import Settings


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1/services",
        "/staff/login",
        "/no-such-page",
        "/api/v1/nothing",
        "/static/luukku.css",
        "/healthz",
        "/schema/openapi.json",
    ],
)
async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient, path: str):
    response = await client.get(path)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    # The test settings serve https://luukku.test.
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_no_hsts_when_served_over_plain_http(
    settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    db: None,
):
    app = create_app(
        dataclasses.replace(settings, public_base_url="http://127.0.0.1:8000"),
        clock=clock,
        engine=engine,
    )
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/")
    assert "strict-transport-security" not in response.headers
    assert "content-security-policy" in response.headers


async def test_pages_have_no_inline_scripts(client: httpx.AsyncClient, app: Litestar):
    for path in ("/", "/staff/login", "/privacy", "/accessibility"):
        html = (await client.get(path)).text
        assert "<script>" not in html
        assert " onclick=" not in html


async def test_a_body_over_the_limit_is_refused(client: httpx.AsyncClient, settings: Settings):
    body = b"{" + b" " * settings.max_request_body_bytes + b"}"
    response = await client.post(
        "/api/v1/bookings", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
