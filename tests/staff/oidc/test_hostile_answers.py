"""Bad or hostile answers from (or pretending to be from) the provider sign nobody in: each
gets the refusal page and an audit entry naming what failed. Forged ID tokens come from the
test provider itself (`POST /test/forge`, tests/oidc/provider.mjs)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from app import create_app
from luukku.clock import FixedClock
from luukku.settings import Settings
from security.audit import latest
from staff.tables import StaffUser
from testdata.factories import make_agency, make_expert, make_expert_login
from tests.oidc_provider import (
    APP_URL,
    RunningProvider,
    free_port,
    oidc_settings,
    sign_in_with_provider,
    staff_me,
    through_provider,
)


@pytest.fixture
async def aino(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    return await make_expert_login(expert, "aino.virtanen@example.fi", "a-password-nobody-uses")


async def refusal_reasons() -> list[str]:
    return [e.detail.split()[0] for e in await latest() if e.action == "sign-in-refused"]


async def answer_from_provider(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, login: str = "aino"
) -> str:
    """The provider's redirect back to Luukku (not yet followed)."""
    started = await luukku.get("/staff/oidc/start")
    return await through_provider(at_provider, started.headers["location"], login, APP_URL)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query)), **changes}
    return f"{parts.path}?{urlencode(query)}"


async def assert_refused(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 403, response.text[:300]
    assert f"{reason}" in response.text
    assert "luukku_session" not in response.cookies  # the refused answer signs nobody in
    assert reason in await refusal_reasons()


async def test_a_wrong_state_is_refused(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    callback = await answer_from_provider(luukku, at_provider)

    response = await luukku.get(with_query(callback, state="forged-state"))

    await assert_refused(response, "state")


async def test_an_answer_replayed_after_use_is_refused(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    callback = await answer_from_provider(luukku, at_provider)
    assert (await luukku.get(callback)).status_code == 200
    await luukku.post("/api/v1/auth/logout")

    await assert_refused(await luukku.get(callback), "state")


async def test_an_answer_planted_in_another_browser_is_refused(
    oidc_app: object, luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    callback = await answer_from_provider(luukku, at_provider)
    transport = httpx.ASGITransport(app=oidc_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL) as victim:
        response = await victim.get(callback)
        await assert_refused(response, "state")


async def test_a_code_used_once_already_is_refused_by_the_provider(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    first = await answer_from_provider(luukku, at_provider)
    assert (await luukku.get(first)).status_code == 200
    await luukku.post("/api/v1/auth/logout")
    second = await answer_from_provider(luukku, at_provider)
    old_code = dict(parse_qsl(urlsplit(first).query))["code"]

    response = await luukku.get(with_query(second, code=old_code))

    await assert_refused(response, "code")


async def test_an_answer_naming_another_issuer_is_refused(
    luukku: httpx.AsyncClient, at_provider: httpx.AsyncClient, aino: int
) -> None:
    callback = await answer_from_provider(luukku, at_provider)

    response = await luukku.get(with_query(callback, iss="https://evil.example"))

    await assert_refused(response, "issuer")


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ("nonce", "nonce"),
        ("aud", "audience"),
        ("iss", "issuer"),
        ("expired", "expired"),
        ("future", "not-yet-valid"),
        ("alg-none", "algorithm"),
        ("stray-key", "key"),
    ],
)
async def test_a_forged_id_token_is_refused(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
    forgery: str,
    reason: str,
) -> None:
    callback = await answer_from_provider(luukku, at_provider)
    oidc_provider.forge_next_id_token(forgery)

    response = await luukku.get(callback)

    await assert_refused(response, reason)
    assert (await StaffUser.select(StaffUser.oidc_subject).first()) == {"oidc_subject": None}


async def test_keys_rotated_at_the_provider_are_fetched_and_honoured(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    assert (await sign_in_with_provider(luukku, at_provider, "aino")).status_code == 200
    await luukku.post("/api/v1/auth/logout")
    at_provider.cookies.clear()  # the restarted provider forgets its sessions anyway

    oidc_provider.restart("key-2")
    try:
        response = await sign_in_with_provider(luukku, at_provider, "aino")
    finally:
        # A fresh key id again, never "key-1": each start makes new key material, and a key id
        # that came back with other material would fail every app that cached the old one
        # (a real provider never reuses a key id that way).
        oidc_provider.restart("key-3")

    assert response.status_code == 200, response.text[:300]
    assert (await staff_me(luukku)).status_code == 200


async def test_an_error_answer_from_the_provider_signs_nobody_in(
    luukku: httpx.AsyncClient, aino: int
) -> None:
    started = await luukku.get("/staff/oidc/start")
    state = dict(parse_qsl(urlsplit(started.headers["location"]).query))["state"]

    response = await luukku.get(
        "/staff/oidc/callback", params={"state": state, "error": "access_denied"}
    )

    await assert_refused(response, "provider-error")


async def test_an_unreachable_provider_gets_a_page_saying_so(
    settings: Settings, clock: FixedClock, engine: object, db: None
) -> None:
    nowhere = oidc_settings(settings, f"http://127.0.0.1:{free_port()}")
    app = create_app(nowhere, clock=clock, engine=engine)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=APP_URL) as client:
        response = await client.get("/staff/oidc/start", params={"lang": "en"})

    assert response.status_code == 502
    assert "cannot be reached just now" in response.text
