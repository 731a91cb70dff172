"""Staff sign-in through the city's OpenID Provider: the start (off to the provider) and the
callback (the provider's answer), with a clear page when the answer signs nobody in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from frontend.staff_pages import safe_next
from frontend.templating import LANGUAGE_NAMES, page
from luukku.problems import NotFound
from staff.auth import TokenIssuer
from staff.oidc.provider import OpenIDProvider, ProviderUnavailable
from staff.oidc.sign_in import BROWSER_COOKIE, SIGN_IN_LIFETIME, SignInRefused, begin, complete

HOME = "/staff/calendar"


def _browser_cookie(value: str, secure: bool) -> Cookie:
    # Lax, not strict: the provider's answer is a top-level navigation from another site.
    return Cookie(
        key=BROWSER_COOKIE,
        value=value,
        max_age=int(SIGN_IN_LIFETIME.total_seconds()) if value else 0,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/staff/oidc/",
    )


def _refused(request: Request[Any, Any, Any], reason: str, email: str = "") -> Template:
    return page(
        request,
        "staff/sign_in_refused.html",
        status_code=502 if reason == "unavailable" else 403,
        reason=reason,
        email=email,
        cookies=[_browser_cookie("", False)],
        # This page's own address is the provider's answer, which works once: the language
        # switch leads to the sign-in page instead.
        language_links=[
            (code, name, f"/staff/login?lang={code}") for code, name in LANGUAGE_NAMES.items()
        ],
    )


class OidcSignInPages(Controller):
    path = "/staff/oidc"
    include_in_schema = False

    @get("/start", name="staff-oidc-start", opt={"public": True})
    async def start(
        self,
        request: Request[Any, Any, Any],
        oidc: NamedDependency[OpenIDProvider],
        tokens: NamedDependency[TokenIssuer],
        next: FromQuery[str] = HOME,
    ) -> Redirect | Template:
        if not oidc.settings.oidc_enabled:
            raise NotFound("OpenID Connect sign-in is not configured.")
        try:
            started = await begin(oidc, safe_next(next))
        except ProviderUnavailable:
            return _refused(request, "unavailable")
        return Redirect(
            started.url,
            status_code=303,
            cookies=[_browser_cookie(started.browser_secret, tokens.secure_cookie)],
        )

    @get("/callback", name="staff-oidc-callback", opt={"public": True})
    async def callback(
        self,
        request: Request[Any, Any, Any],
        oidc: NamedDependency[OpenIDProvider],
        tokens: NamedDependency[TokenIssuer],
    ) -> Template:
        if not oidc.settings.oidc_enabled:
            raise NotFound("OpenID Connect sign-in is not configured.")
        answer = {key: str(value)[:4096] for key, value in request.query_params.items()}
        try:
            signed_in = await complete(
                oidc, tokens, answer, request.cookies.get(BROWSER_COOKIE, "")
            )
        except SignInRefused as refused:
            return _refused(request, refused.reason, refused.email)
        except ProviderUnavailable:
            return _refused(request, "unavailable")
        return page(
            request,
            "staff/signed_in.html",
            next=signed_in.next_path,
            cookies=[
                tokens.session_cookie(signed_in.token),
                _browser_cookie("", tokens.secure_cookie),
            ],
        )
