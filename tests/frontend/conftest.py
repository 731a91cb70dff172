"""Page-test fixtures: a service with one advisor, and reading forms out of rendered pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from testdata.factories import make_agency, make_expert, make_expert_login, make_service

EXPERT_PASSWORD = "expert-password-2026"
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency, buffer_after=10)
    return expert


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match[1]


def found(pattern: str, html: str) -> str:
    """The first group of `pattern` in `html`; fails the test when it is not there."""
    match = re.search(pattern, html)
    assert match, f"{pattern!r} not on the page"
    return match[1]


@pytest.fixture
async def browser_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps cookies like a browser on the https address the settings name
    (the CSRF and language cookies are Secure there)."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    """Sign `client` in on the staff login form (in Finnish) with EXPERT_PASSWORD."""
    form = await client.get("/staff/login", params={"lang": "fi"})
    response = await client.post(
        "/staff/login",
        data={"_csrf_token": csrf_token(form.text), "email": email, "password": EXPERT_PASSWORD},
    )
    assert response.status_code == 303


@pytest.fixture
async def signed_in(browser_client: httpx.AsyncClient, advisor: int) -> httpx.AsyncClient:
    """The browser client signed in as the advisor."""
    await make_expert_login(advisor, "aino@example.fi", EXPERT_PASSWORD)
    await sign_in(browser_client, "aino@example.fi")
    return browser_client
