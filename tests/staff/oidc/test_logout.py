"""Sessions begun at the provider end at both ends: Luukku's sign-out sends the browser to the
provider's end-session endpoint (RP-initiated logout), and the provider's back-channel logout
ends the Luukku session (the provider reaches the app served by uvicorn)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from staff.oidc.tables import OidcSession
from testdata.factories import make_agency, make_expert, make_expert_login
from tests.frontend.conftest import csrf_token
from tests.oidc_provider import APP_URL, RunningProvider, sign_in_with_provider, staff_me

_LOGOUT_FORM = re.compile(
    r'<form id="op.logoutForm" method="post" action="([^"]+)">'
    r'<input type="hidden" name="xsrf" value="([^"]+)"/>'
)


@pytest.fixture
async def aino(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    return await make_expert_login(expert, "aino.virtanen@example.fi", "a-password-nobody-uses")


async def confirm_logout_at_provider(at_provider: httpx.AsyncClient, url: str) -> httpx.Response:
    """The provider's "Do you want to sign out?" page, answered yes."""
    page = await at_provider.get(url)
    assert page.status_code == 200, page.text[:300]
    action, xsrf = _LOGOUT_FORM.findall(page.text)[0]
    return await at_provider.post(
        urljoin(url, unescape(action)), data={"xsrf": xsrf, "logout": "yes"}
    )


async def test_signing_out_ends_the_session_at_the_provider_too(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    await sign_in_with_provider(luukku, at_provider, "aino")
    form = await luukku.get("/staff/login")

    signed_out = await luukku.post("/staff/logout", data={"_csrf_token": csrf_token(form.text)})

    assert signed_out.status_code == 303
    end_session = signed_out.headers["location"]
    assert end_session.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == [f"{APP_URL}/staff/login?signed_out=1"]
    assert query["id_token_hint"]
    assert (await staff_me(luukku)).status_code == 401
    back = await confirm_logout_at_provider(at_provider, end_session)
    assert back.headers["location"].startswith(f"{APP_URL}/staff/login?signed_out=1")
    started = await luukku.get("/staff/oidc/start")
    again = await at_provider.get(started.headers["location"], follow_redirects=True)
    assert 'name="login"' in again.text, "the provider's session should have ended"


async def test_a_password_session_signs_out_without_visiting_the_provider(
    luukku: httpx.AsyncClient, aino: int
) -> None:
    form = await luukku.get("/staff/login")
    await luukku.post(
        "/staff/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": "aino.virtanen@example.fi",
            "password": "a-password-nobody-uses",
        },
    )
    form = await luukku.get("/staff/login")

    signed_out = await luukku.post("/staff/logout", data={"_csrf_token": csrf_token(form.text)})

    assert signed_out.headers["location"] == "/staff/login?signed_out=1"


@pytest.fixture
async def live(oidc_live_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=oidc_live_server, timeout=10) as http:
        yield http


async def test_the_providers_back_channel_logout_ends_the_luukku_session(
    live: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    assert (await sign_in_with_provider(live, at_provider, "aino")).status_code == 200
    assert (await staff_me(live)).status_code == 200
    assert await OidcSession.count() == 1

    ended = await confirm_logout_at_provider(
        at_provider, f"{oidc_provider.issuer}/session/end?client_id=luukku-live"
    )

    assert ended.status_code in (302, 303)
    assert (await staff_me(live)).status_code == 401
    assert await OidcSession.count() == 0


async def test_a_logout_token_not_signed_by_the_provider_is_refused(
    live: httpx.AsyncClient, aino: int
) -> None:
    response = await live.post(
        "/api/v1/auth/oidc/backchannel-logout",
        data={"logout_token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhaW5vIn0."},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "logout_token"
