"""Integrations exchange a provider access token for Luukku's API for a Luukku bearer token.
The integration here is `desk-app`, a public client of the test provider that signs its user
in with PKCE and asks for a token for the resource `urn:luukku:api` (a JWT access token)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from security.audit import latest
from staff.tables import StaffUser
from testdata.factories import make_agency, make_expert, make_expert_login
from tests.oidc_provider import API_AUDIENCE, RunningProvider, through_provider

DESK_APP_CALLBACK = "http://127.0.0.1/desk-app/callback"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture
async def aino(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    return await make_expert_login(expert, "aino.virtanen@example.fi", "a-password-nobody-uses")


async def desk_app_tokens(
    at_provider: httpx.AsyncClient, provider: RunningProvider, login: str
) -> dict[str, str]:
    """What the desk app gets from the provider for `login`: an access token for Luukku's API
    and an ID token for itself."""
    verifier = generate_token(64)
    query = {
        "client_id": "desk-app",
        "response_type": "code",
        "redirect_uri": DESK_APP_CALLBACK,
        "scope": "openid luukku",
        "resource": API_AUDIENCE,
        "state": generate_token(20),
        "nonce": generate_token(20),
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    back = await through_provider(
        at_provider, f"{provider.issuer}/auth?{urlencode(query)}", login, DESK_APP_CALLBACK
    )
    code = dict(parse_qsl(urlsplit(back).query))["code"]
    response = await at_provider.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DESK_APP_CALLBACK,
            "client_id": "desk-app",
            "code_verifier": verifier,
            "resource": API_AUDIENCE,
        },
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


async def test_a_linked_person_exchanges_a_provider_token_for_a_luukku_bearer(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    await StaffUser.update({StaffUser.oidc_subject: "aino"}).where(StaffUser.id == aino)
    tokens = await desk_app_tokens(at_provider, oidc_provider, "aino")

    exchanged = await luukku.post(
        "/api/v1/auth/oidc/token",
        json={"subject_token": tokens["access_token"], "subject_token_type": ACCESS_TOKEN},
    )

    assert exchanged.status_code == 200, exchanged.text
    body = exchanged.json()
    assert body["token_type"] == "bearer"
    assert body["issued_token_type"] == ACCESS_TOKEN
    assert exchanged.headers["cache-control"] == "no-store"
    me = await luukku.get(
        "/api/v1/staff/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["email"] == "aino.virtanen@example.fi"


async def test_a_person_not_yet_linked_is_told_to_sign_in_on_the_pages_once(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    tokens = await desk_app_tokens(at_provider, oidc_provider, "aino")

    exchanged = await luukku.post(
        "/api/v1/auth/oidc/token",
        json={"subject_token": tokens["access_token"], "subject_token_type": ACCESS_TOKEN},
    )

    assert exchanged.status_code == 403
    assert "sign in once" in exchanged.json()["detail"]


async def test_a_token_for_another_audience_is_refused(
    luukku: httpx.AsyncClient,
    at_provider: httpx.AsyncClient,
    oidc_provider: RunningProvider,
    aino: int,
) -> None:
    await StaffUser.update({StaffUser.oidc_subject: "aino"}).where(StaffUser.id == aino)
    tokens = await desk_app_tokens(at_provider, oidc_provider, "aino")

    exchanged = await luukku.post(
        "/api/v1/auth/oidc/token",
        json={"subject_token": tokens["id_token"], "subject_token_type": ACCESS_TOKEN},
    )

    assert exchanged.status_code == 401
    assert "audience" in exchanged.json()["detail"]
    assert any(e.detail.startswith("exchange-audience") for e in await latest())


async def test_a_token_of_no_known_type_is_refused_naming_the_field(
    luukku: httpx.AsyncClient, aino: int
) -> None:
    exchanged = await luukku.post(
        "/api/v1/auth/oidc/token",
        json={"subject_token": "x", "subject_token_type": "urn:example:saml"},
    )

    assert exchanged.status_code == 400
    assert exchanged.json()["errors"][0]["field"] == "subject_token_type"
