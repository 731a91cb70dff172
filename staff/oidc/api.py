"""OIDC routes for machines: the token exchange for integrations and the provider's
back-channel logout. The browser's sign-in pages are in frontend/oidc_pages.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from luukku.problems import InvalidInput
from security.rate_limits import rate_limited
from staff.auth import TokenIssuer
from staff.oidc.exchange import ACCESS_TOKEN_TYPE, exchange
from staff.oidc.identity import SignInRefused
from staff.oidc.logout import back_channel_logout
from staff.oidc.provider import OpenIDProvider, ProviderUnavailable


class TokenExchangeIn(msgspec.Struct, forbid_unknown_fields=True):
    subject_token: Annotated[str, msgspec.Meta(min_length=1, max_length=16_384)]
    subject_token_type: Literal[
        "urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:jwt"
    ]
    grant_type: Literal["urn:ietf:params:oauth:grant-type:token-exchange"] = (
        "urn:ietf:params:oauth:grant-type:token-exchange"
    )


class TokenExchangeOut(msgspec.Struct):
    access_token: str
    issued_token_type: str
    token_type: str
    expires_in: int


NO_STORE = {"Cache-Control": "no-store"}


class OidcController(Controller):
    path = "/api/v1/auth/oidc"
    tags = ("staff",)  # type: ignore[assignment]

    @post(
        "/token",
        summary="Exchange a provider access token for Luukku's API for a Luukku bearer token",
        status_code=200,
        opt={"public": True, "problems": (400, 401, 403, 422)},
        guards=[rate_limited("login")],
    )
    async def token(
        self,
        data: JSONBody[TokenExchangeIn],
        oidc: NamedDependency[OpenIDProvider],
        tokens: NamedDependency[TokenIssuer],
    ) -> Response[TokenExchangeOut]:
        token = await exchange(oidc, tokens, data.subject_token)
        return Response(
            TokenExchangeOut(
                access_token=token,
                issued_token_type=ACCESS_TOKEN_TYPE,
                token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
                expires_in=int(tokens.lifetime.total_seconds()),
            ),
            headers=NO_STORE,
        )

    @post(
        "/backchannel-logout",
        summary="The provider ends the Luukku sessions of a provider session (logout token)",
        status_code=200,
        opt={"public": True, "problems": (400, 422)},
        include_in_schema=True,
    )
    async def backchannel_logout(
        self, request: Request[Any, Any, Any], oidc: NamedDependency[OpenIDProvider]
    ) -> Response[None]:
        form = await request.form()
        logout_token = str(form.get("logout_token", ""))
        if not logout_token or not oidc.settings.oidc_enabled:
            raise InvalidInput.field("logout_token", "a logout token is required")
        try:
            await back_channel_logout(oidc, logout_token[:16_384])
        except (SignInRefused, ProviderUnavailable) as refused:
            raise InvalidInput.field("logout_token", f"refused: {refused}") from None
        return Response(None, status_code=200, headers=NO_STORE)
