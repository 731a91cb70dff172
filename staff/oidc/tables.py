"""Tables of the OpenID Connect sign-in: sign-ins under way, and sessions the provider began."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from staff.tables import StaffUser


class OidcSignIn(Table):
    """A sign-in sent to the provider and not yet back: used once, then deleted."""

    id: Serial  # added by Piccolo; declared for the type checker

    state = Varchar(length=64, unique=True)
    """The `state` sent to the provider (random, URL-safe)."""
    browser_hash = Varchar(length=64)
    """SHA-256 of the secret in the browser's `luukku_oidc` cookie: the answer must come back
    to the browser that asked (no sign-in planted from elsewhere)."""
    nonce = Varchar(length=64)
    code_verifier = Varchar(length=128)
    """PKCE: the provider only gives the tokens to whoever knows this."""
    next_path = Varchar(length=500, default="/staff/calendar")
    expires_at = Timestamptz(index=True)


class OidcSession(Table):
    """A Luukku access token issued on the provider's word: what back-channel logout ends and
    what RP-initiated logout names to the provider."""

    id: Serial  # added by Piccolo; declared for the type checker

    jti = Varchar(length=64, unique=True)
    staff_user = ForeignKey(StaffUser, on_delete=OnDelete.cascade)
    subject = Varchar(length=255, index=True)
    """The provider's `sub` of the person."""
    provider_session = Varchar(length=255, default="", index=True)
    """The provider's `sid` (empty when it sent none)."""
    id_token = Text(default="")
    """The ID token, sent back as `id_token_hint` when signing out at the provider."""
    expires_at = Timestamptz(index=True)


TABLES: tuple[type[Table], ...] = (OidcSignIn, OidcSession)
