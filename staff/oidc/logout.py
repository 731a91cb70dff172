"""How a session begun at the provider ends: RP-initiated logout (Luukku sends the browser to
the provider's end-session endpoint) and back-channel logout (the provider tells Luukku)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from authlib.oauth2.claims import JWTClaims
from joserfc.errors import InvalidClaimError, MissingClaimError

from luukku.database import write_transaction
from staff.accounts import revoke_token
from staff.oidc.identity import refuse
from staff.oidc.provider import OpenIDProvider, ProviderUnavailable, TokenRejected
from staff.oidc.tables import OidcSession

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
SIGNED_OUT_PATH = "/staff/login?signed_out=1"


class LogoutToken(JWTClaims):  # type: ignore[misc]
    """OpenID Connect Back-Channel Logout 1.0, section 2.6: an event, a subject or session,
    and never a nonce (so an ID token cannot pass for one)."""

    def validate(self, now: int | None = None, leeway: int = 0) -> None:
        super().validate(now, leeway)
        events = self.get("events")
        if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
            raise InvalidClaimError("events")
        if "nonce" in self:
            raise InvalidClaimError("nonce")
        if not self.get("sub") and not self.get("sid"):
            raise MissingClaimError("sid")


async def end_session_url(provider: OpenIDProvider, jti: str) -> str | None:
    """Where to send the browser to end the provider's session too, if the session came from
    the provider and the provider offers RP-initiated logout; forgets the session either way."""
    rows = await OidcSession.delete().where(OidcSession.jti == jti).returning(OidcSession.id_token)
    if not rows or not provider.settings.oidc_enabled:
        return None
    try:
        end_session = (await provider.endpoints()).end_session
    except ProviderUnavailable:
        return None
    if not end_session:
        return None
    settings = provider.settings
    query = {
        "client_id": settings.oidc_client_id,
        "post_logout_redirect_uri": f"{settings.public_base_url}{SIGNED_OUT_PATH}",
    }
    if rows[0]["id_token"]:
        query["id_token_hint"] = rows[0]["id_token"]
    separator = "&" if "?" in end_session else "?"
    return f"{end_session}{separator}{urlencode(query)}"


async def back_channel_logout(provider: OpenIDProvider, logout_token: str) -> int:
    """Ends every Luukku session of the provider's session (or, without `sid`, of the
    person) named by a valid logout token; how many ended."""
    settings = provider.settings
    try:
        claims = await provider.verify(
            logout_token,
            LogoutToken,
            {
                "aud": {"essential": True, "value": settings.oidc_client_id},
                "iat": {"essential": True},
            },
        )
    except TokenRejected as rejected:
        raise await refuse(f"logout-{rejected.reason}", None, rejected.detail) from rejected
    where = (
        OidcSession.provider_session == str(claims["sid"])
        if claims.get("sid")
        else OidcSession.subject == str(claims["sub"])
    )
    async with write_transaction(OidcSession._meta.db):
        rows = (
            await OidcSession.delete()
            .where(where)
            .returning(OidcSession.jti, OidcSession.expires_at)
        )
        for row in rows:
            if row["expires_at"] > datetime.now(UTC):
                await revoke_token(row["jti"], row["expires_at"])
    return len(rows)
