"""Page-test fixtures: a service with one advisor, and reading forms out of rendered pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar

from tests.factories import make_agency, make_expert, make_service

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
