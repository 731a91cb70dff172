"""Token exchange for integrations: a provider access token, issued for Luukku's API
(`aud` = OIDC_API_AUDIENCE), traded for a Luukku bearer token of the same person.

An integration (the city's intranet, a service-desk app) that has already signed its user in at
the city's provider asks the provider for a token for Luukku's API and exchanges it here, in
the request shape of RFC 8693; the person is matched exactly as at sign-in on the pages.
"""

from __future__ import annotations

from authlib.oauth2.claims import JWTClaims

from luukku.problems import NotAllowed, NotAuthenticated, NotFound
from staff.auth import TokenIssuer
from staff.oidc.identity import SignInRefused, person_from, refuse, staff_member_for
from staff.oidc.provider import OpenIDProvider, ProviderUnavailable, TokenRejected
from staff.oidc.sign_in import start_session

ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 - a URN


async def exchange(provider: OpenIDProvider, tokens: TokenIssuer, subject_token: str) -> str:
    """A Luukku access token for the person of `subject_token`."""
    settings = provider.settings
    if not settings.oidc_enabled or not settings.oidc_api_audience:
        raise NotFound("Token exchange is not configured (OIDC_API_AUDIENCE).")
    try:
        claims = await provider.verify(
            subject_token,
            JWTClaims,
            {
                "aud": {"essential": True, "value": settings.oidc_api_audience},
                "exp": {"essential": True},
                "sub": {"essential": True},
            },
        )
    except ProviderUnavailable as error:
        raise NotAuthenticated("The identity provider cannot be reached now.") from error
    except TokenRejected as rejected:
        await refuse(f"exchange-{rejected.reason}", None, rejected.detail)
        raise NotAuthenticated(f"The provider token was refused ({rejected.reason}).") from None
    person = person_from(claims, settings)
    try:
        member = await staff_member_for(person, settings)
    except SignInRefused as refused:
        raise NotAllowed(
            f"No active Luukku staff account for this person ({refused.reason}); "
            "sign in once on the staff pages to link the account."
        ) from None
    return await start_session(tokens, member, person, str(claims.get("sid", "")), "")
