"""Staff sign-in and profile: login, logout and `GET /api/v1/staff/me`."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.security.jwt import Token

from luukku.problems import NotAllowed
from luukku.settings import Settings
from security.rate_limits import rate_limited
from staff.accounts import (
    StaffMember,
    agency_slug,
    revoke_token,
    staff_member,
)
from staff.auth import TokenIssuer, token_expiry
from staff.sign_in import sign_in


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class LoginOut(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class StaffOut(msgspec.Struct):
    id: int
    name: str
    email: str
    roles: list[str]
    agency: str | None
    expert_id: int | None
    service_point_id: int | None


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ("staff",)  # type: ignore[assignment]

    @post(
        "/login",
        summary="Sign in; answers a bearer token and sets the session cookie",
        status_code=200,
        opt={"public": True, "problems": (401,)},
        guards=[rate_limited("login", per_email=False)],
    )
    async def login(
        self,
        data: JSONBody[LoginIn],
        tokens: NamedDependency[TokenIssuer],
        settings: NamedDependency[Settings],
        state: State,
    ) -> Response[LoginOut]:
        if not settings.password_login:
            raise NotAllowed(
                "Password sign-in is switched off; exchange a provider token at "
                "/api/v1/auth/oidc/token."
            )
        member = await sign_in(data.email, data.password, state["rate_limiter"], settings)
        token = tokens.issue(str(member.id), secrets.token_hex(16))
        seconds = int(tokens.lifetime.total_seconds())
        return Response(
            LoginOut(
                access_token=token,
                token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
                expires_in=seconds,
            ),
            cookies=[tokens.session_cookie(token)],
        )

    @post("/logout", summary="End this token now", status_code=204)
    async def logout(self, request: Request[StaffMember, Token, Any]) -> Response[None]:
        token = request.auth
        await revoke_token(str(token.jti or ""), token_expiry(token))
        return Response(None, status_code=204, cookies=[TokenIssuer.cleared_cookie()])


class StaffController(Controller):
    path = "/api/v1/staff"
    tags = ("staff",)  # type: ignore[assignment]

    @get("/me", summary="Your own profile")
    async def me(self, request: Request[StaffMember, Token, Any]) -> StaffOut:
        member = request.user
        return StaffOut(
            id=member.id,
            name=member.name,
            email=member.email,
            roles=list(member.roles),
            agency=await agency_slug(member.id),
            expert_id=member.expert_id,
            service_point_id=member.service_point_id,
        )


async def retrieve_staff_member(token: Token, _: Any) -> StaffMember | None:
    try:
        return await staff_member(int(token.sub))
    except ValueError:
        return None
