"""The authorization-code flow with PKCE: sending the browser to the provider, and taking the
answer back (state, code, ID token) to a Luukku session.

Each sign-in under way is a row keyed by its `state`, deleted when the answer comes back, so a
state works once; the row also names the browser that asked (a hash of the secret in its
`luukku_oidc` cookie), so an answer planted in another browser signs nobody in. Expiry of
these rows and of ID tokens is real-world time, like the session tokens' (staff/auth.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken

from luukku.database import write_transaction
from luukku.settings import Settings
from staff.accounts import StaffMember
from staff.auth import TokenIssuer
from staff.oidc.identity import Person, SignInRefused, person_from, refuse, staff_member_for
from staff.oidc.provider import OpenIDProvider, ProviderUnavailable, TokenRejected
from staff.oidc.tables import OidcSession, OidcSignIn

BROWSER_COOKIE = "luukku_oidc"
CALLBACK_PATH = "/staff/oidc/callback"
SIGN_IN_LIFETIME = timedelta(minutes=10)
HOME = "/staff/calendar"


@dataclass(frozen=True, slots=True)
class SignInStart:
    url: str
    """The provider's authorization endpoint with this sign-in's parameters."""
    browser_secret: str
    """For the `luukku_oidc` cookie: only this browser can finish the sign-in."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    member: StaffMember
    token: str
    """A Luukku access token, as password sign-in issues."""
    next_path: str


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_base_url}{CALLBACK_PATH}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def begin(provider: OpenIDProvider, next_path: str) -> SignInStart:
    """A new sign-in: its row, and where to send the browser."""
    settings = provider.settings
    endpoints = await provider.endpoints()
    state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
    browser_secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with write_transaction(OidcSignIn._meta.db):
        # Forget what has run out: sign-ins never finished, sessions (their ID tokens) ended.
        await OidcSignIn.delete().where(OidcSignIn.expires_at < now)
        await OidcSession.delete().where(OidcSession.expires_at < now)
        await OidcSignIn.insert(
            OidcSignIn(
                state=state,
                browser_hash=_hash(browser_secret),
                nonce=nonce,
                code_verifier=verifier,
                next_path=next_path[:500],
                expires_at=now + SIGN_IN_LIFETIME,
            )
        )
    url = prepare_grant_uri(
        endpoints.authorization,
        settings.oidc_client_id,
        "code",
        redirect_uri=redirect_uri(settings),
        scope=settings.oidc_scopes,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return SignInStart(url=url, browser_secret=browser_secret)


async def _take_sign_in(state: str, browser_secret: str) -> dict[str, Any]:
    """The sign-in row of `state`, deleted so it cannot be used again."""
    rows = (
        await OidcSignIn.delete()
        .where(OidcSignIn.state == state[:64])
        .returning(
            OidcSignIn.browser_hash,
            OidcSignIn.nonce,
            OidcSignIn.code_verifier,
            OidcSignIn.next_path,
            OidcSignIn.expires_at,
        )
        if state
        else []
    )
    if not rows:
        raise await refuse("state", None, "unknown or already used state")
    row: dict[str, Any] = rows[0]
    if not hmac.compare_digest(row["browser_hash"], _hash(browser_secret)):
        raise await refuse("state", None, "answer came back to another browser")
    if row["expires_at"] < datetime.now(UTC):
        raise await refuse("state", None, "the sign-in took too long")
    return row


def _client_secret_basic(settings: Settings) -> str:
    """RFC 6749 section 2.3.1: id and secret form-encoded, then HTTP Basic."""
    pair = (
        f"{quote(settings.oidc_client_id, safe='')}:{quote(settings.oidc_client_secret, safe='')}"
    )
    return f"Basic {base64.b64encode(pair.encode()).decode('ascii')}"


async def _redeem_code(provider: OpenIDProvider, code: str, verifier: str) -> Mapping[str, object]:
    """The provider's token response for `code` (a code works once at the provider)."""
    settings = provider.settings
    endpoints = await provider.endpoints()
    body = prepare_token_request(
        "authorization_code",
        code=code,
        redirect_uri=redirect_uri(settings),
        code_verifier=verifier,
        client_id=None if settings.oidc_client_secret else settings.oidc_client_id,
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if settings.oidc_client_secret:
        headers["Authorization"] = _client_secret_basic(settings)
    try:
        async with provider.http() as client:
            response = await client.post(endpoints.token, content=body, headers=headers)
        answer = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"token endpoint: {error}") from error
    if response.status_code != 200 or not isinstance(answer, dict):
        error_code = answer.get("error", "") if isinstance(answer, dict) else ""
        raise await refuse("code", None, f"the provider refused the code: {error_code}")
    return answer


async def complete(
    provider: OpenIDProvider,
    tokens: TokenIssuer,
    answer: Mapping[str, str],
    browser_secret: str,
) -> SignedIn:
    """The provider's answer (the callback's query) as a signed-in staff member."""
    settings = provider.settings
    pending = await _take_sign_in(answer.get("state", ""), browser_secret)
    if "error" in answer:
        raise await refuse("provider-error", None, answer.get("error", "")[:100])
    endpoints = await provider.endpoints()
    if "iss" in answer and answer["iss"] != endpoints.issuer:
        raise await refuse("issuer", None, "the answer names another issuer")  # RFC 9207
    response = await _redeem_code(provider, answer.get("code", ""), pending["code_verifier"])
    id_token, access_token = response.get("id_token"), response.get("access_token")
    if not isinstance(id_token, str):
        raise await refuse("malformed", None, "no ID token in the token response")
    try:
        claims = await provider.verify(
            id_token,
            CodeIDToken,
            {"aud": {"essential": True, "value": settings.oidc_client_id}},
            {
                "nonce": pending["nonce"],
                "client_id": settings.oidc_client_id,
                "access_token": access_token if isinstance(access_token, str) else None,
            },
        )
    except TokenRejected as rejected:
        raise await refuse(rejected.reason, None, rejected.detail) from rejected
    person = person_from(claims, settings)
    member = await staff_member_for(person, settings)
    token = await start_session(tokens, member, person, str(claims.get("sid", "")), id_token)
    return SignedIn(member=member, token=token, next_path=pending["next_path"])


async def start_session(
    tokens: TokenIssuer, member: StaffMember, person: Person, provider_session: str, id_token: str
) -> str:
    """A Luukku access token for `member`, remembered with the provider's session."""
    jti = secrets.token_hex(16)
    token = tokens.issue(str(member.id), jti)
    await OidcSession.insert(
        OidcSession(
            jti=jti,
            staff_user=member.id,
            subject=person.subject,
            provider_session=provider_session[:255],
            id_token=id_token,
            expires_at=datetime.now(UTC) + tokens.lifetime,
        )
    )
    return token


__all__ = ["SignInRefused", "SignInStart", "SignedIn", "begin", "complete"]
