"""Staff authentication: JWTs signed with a rotatable key ring, guards for roles.

Tokens carry a `kid` header naming the key that signed them; the current SECRET_KEY signs,
PREVIOUS_SECRET_KEYS still verify, so a key can be rotated without logging everyone out.
Bearer tokens serve the API, the same token in an HttpOnly SameSite cookie serves web pages.
The JSON API (`/api/`) reads the `Authorization` header only: a browser attaches the cookie to
any request, a forged cross-site one included, but never a bearer header, so the API needs no
CSRF token. The pages, which do read the cookie, carry Litestar's CSRF token in every form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTCookieAuth, JWTCookieAuthenticationMiddleware, Token

from luukku.settings import Settings

ALGORITHM = "HS256"
ISSUER = "luukku"
AUDIENCE = "luukku-staff"
COOKIE = "luukku_session"
SESSION_STAMP = "stm"
API_PREFIX = "/api/"
"""Routes under this prefix take bearer tokens only, never the session cookie."""


def key_id(secret: str) -> str:
    """A public name for a secret: the `kid` header, so verification finds the right key."""
    return hashlib.sha256(f"luukku-kid:{secret}".encode()).hexdigest()[:16]


def token_class(current: str, previous: Sequence[str]) -> type[Token]:
    """A Token type bound to one key ring (no module state: each app gets its own)."""
    keys = {key_id(secret): secret for secret in (current, *previous)}
    current_kid = key_id(current)

    class StaffToken(Token):
        @classmethod
        def decode_payload(
            cls,
            encoded_token: str,
            secret: str,
            algorithms: list[str],
            issuer: str | Sequence[str] | None = None,
            audience: str | Sequence[str] | None = None,
            options: Any = None,
        ) -> Any:
            header = jwt.get_unverified_header(encoded_token)
            if header.get("alg") != ALGORITHM or header.get("kid") not in keys:
                raise jwt.InvalidTokenError("unknown key or algorithm")
            return jwt.decode(
                encoded_token,
                key=keys[header["kid"]],
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                audience=AUDIENCE,
                options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
            )

        def encode(self, secret: str, algorithm: str) -> str:
            payload = {k: v for k, v in asdict(self).items() if v is not None}
            extras = payload.pop("extras", {}) or {}
            return jwt.encode(
                {**payload, **extras},
                key=keys[current_kid],
                algorithm=ALGORITHM,
                headers={"kid": current_kid},
            )

    return StaffToken


class BearerOnlyForApi(JWTCookieAuthenticationMiddleware):
    """The session cookie signs in pages; the JSON API takes the `Authorization` header only."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if connection.scope["path"].startswith(API_PREFIX):
            scheme, _, token = connection.headers.get(self.auth_header, "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("Send `Authorization: Bearer <token>`.")
            return await self.authenticate_token(encoded_token=token.strip(), connection=connection)
        return await super().authenticate_request(connection)


def staff_auth(
    settings: Settings,
    retrieve_user: Callable[[Token, ASGIConnection[Any, Any, Any, Any]], Awaitable[Any]],
    is_revoked: Callable[[Token, ASGIConnection[Any, Any, Any, Any]], Awaitable[bool]],
) -> JWTCookieAuth[Any, Token]:
    secret = settings.signing_secret()
    return JWTCookieAuth[Any, Token](
        retrieve_user_handler=retrieve_user,
        revoked_token_handler=is_revoked,
        token_secret=secret,
        algorithm=ALGORITHM,
        token_cls=token_class(secret, settings.previous_secret_keys),
        default_token_expiration=timedelta(minutes=settings.access_token_minutes),
        accepted_issuers=[ISSUER],
        accepted_audiences=[AUDIENCE],
        key=COOKIE,
        samesite="strict",
        secure=settings.public_base_url.startswith("https://"),
        exclude=[
            "^/api/v1/(services|bookings|contact-requests|feedback)",
            "^/feeds/",
            "^/schema",
            "^/healthz",
            "^/readyz",
            "^/api/v1/auth/login",
            "^/static/",
            "^/$",
        ],
        exclude_opt_key="public",
        authentication_middleware_class=BearerOnlyForApi,
    )


class TokenIssuer:
    """Signs access tokens for the login route (a plain object, so it can be injected)."""

    def __init__(self, auth: JWTCookieAuth[Any, Token]) -> None:
        self._auth = auth
        self.lifetime = auth.default_token_expiration
        self.secure_cookie = bool(auth.secure)

    def issue(self, subject: str, jti: str, stamp: str = "") -> str:
        """A signed access token carrying the member's session stamp; JWT expiry is
        real-world time, never a test clock."""
        now = datetime.now(UTC)
        token = self._auth.token_cls(
            sub=subject,
            exp=now + self.lifetime,
            iat=now - timedelta(seconds=1),
            iss=ISSUER,
            aud=AUDIENCE,
            jti=jti,
            extras={SESSION_STAMP: stamp},
        )
        return token.encode(self._auth.token_secret, ALGORITHM)

    def session_cookie(self, token: str) -> Cookie:
        """The HttpOnly cookie that carries `token` for the web pages."""
        return Cookie(
            key=COOKIE,
            value=f"Bearer {token}",
            max_age=int(self.lifetime.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=self.secure_cookie,
            path="/",
        )

    @staticmethod
    def cleared_cookie() -> Cookie:
        return Cookie(key=COOKIE, value="", max_age=0, path="/")


class RoleGuard:
    """A guard: the signed-in member must hold one of `roles` (403 otherwise)."""

    problem_statuses = (401, 403)
    """What the guard may answer, for the OpenAPI document."""

    def __init__(self, roles: Sequence[str]) -> None:
        self.roles = tuple(roles)

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
    ) -> None:
        """Asynchronous although it never waits: a synchronous guard would run in a thread."""
        user = connection.user
        if user is None:
            raise NotAuthorizedException("Sign in first.")
        if not user.has_role(*self.roles):
            raise PermissionDeniedException("Your role does not allow this.")


def requires_role(
    *roles: str,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """A guard: the signed-in member must hold one of `roles` (403 otherwise)."""
    return RoleGuard(roles)


def token_expiry(token: Token) -> datetime:
    return token.exp if token.exp.tzinfo else token.exp.replace(tzinfo=UTC)
