"""Feed tokens: the secret in an iCalendar feed's address, stored hashed yet showable again.

A token is derived, not drawn: `HMAC-SHA256(signing key, nonce)`, URL-safe, 43 characters.
The database keeps the token's SHA-256 (which the feed route looks up), the random nonce and
the `kid` of the key that derived it. So the staff page can show the same address on every
visit (the key ring recomputes it), while the database alone, without the keys, reveals no
working address. Rotating draws a new nonce and the old address answers 404.

When SECRET_KEY rotates, addresses derived with a previous key keep working while that key is
in PREVIOUS_SECRET_KEYS; once it is dropped, the next visit issues a new address (a key dropped
because it leaked must not keep old addresses alive).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Literal

from piccolo.columns import Column

from booking.bookings.lifecycle import hash_token
from booking.bookings.locking import lock_resources
from booking.feeds.tables import FeedToken
from calendars.tables import Agency, Expert
from luukku.database import write_transaction
from luukku.problems import NotFound
from luukku.settings import Settings
from staff.auth import key_id

Owner = Literal["expert", "agency"]
_NONCE_BYTES = 24


def feed_url(settings: Settings, token: str) -> str:
    """The address calendar clients subscribe to."""
    return f"{settings.public_base_url}/feeds/{token}.ics"


def _key_ring(settings: Settings) -> dict[str, str]:
    secrets_ = (settings.signing_secret(), *settings.previous_secret_keys)
    return {key_id(secret): secret for secret in secrets_}


def _derive(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"luukku-feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _column(owner: Owner) -> Column:
    return FeedToken.expert if owner == "expert" else FeedToken.agency


async def _require_owner(owner: Owner, owner_id: int) -> None:
    table = Expert if owner == "expert" else Agency
    if not await table.exists().where(table.id == owner_id):  # type: ignore[attr-defined]
        raise NotFound(f"No {owner} {owner_id}.")


async def rotate_feed_token(owner: Owner, owner_id: int, now: datetime, settings: Settings) -> str:
    """A new token for the expert's own feed or the agency's feed, replacing the previous one
    (whose address then answers 404). NotFound for an unknown expert or agency."""
    await _require_owner(owner, owner_id)
    column = _column(owner)
    secret = settings.signing_secret()
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    token = _derive(secret, nonce)
    async with write_transaction(FeedToken._meta.db):
        # Two rotations at once must not leave two live tokens.
        await lock_resources([f"feed-token:{owner}:{owner_id}"])
        await FeedToken.delete().where(column == owner_id)
        await FeedToken.insert(
            FeedToken(
                {
                    FeedToken.token_hash: hash_token(token),
                    FeedToken.nonce: nonce,
                    FeedToken.key_id: key_id(secret),
                    column: owner_id,
                    FeedToken.created_at: now,
                }
            )
        )
    return token


async def current_feed_token(owner: Owner, owner_id: int, now: datetime, settings: Settings) -> str:
    """The live token of the expert's or agency's feed, issuing one when there is none or its
    key has left the key ring."""
    row = (
        await FeedToken.select(FeedToken.nonce, FeedToken.key_id, FeedToken.token_hash)
        .where(_column(owner) == owner_id)
        .first()
    )
    if row is not None:
        secret = _key_ring(settings).get(row["key_id"])
        if secret is not None:
            token = _derive(secret, row["nonce"])
            if hmac.compare_digest(hash_token(token), row["token_hash"]):
                return token
    return await rotate_feed_token(owner, owner_id, now, settings)


async def issue_feed_token(expert_id: int, now: datetime, settings: Settings) -> str:
    """A new token for the expert's own feed, replacing the previous one."""
    return await rotate_feed_token("expert", expert_id, now, settings)


async def issue_agency_feed_token(agency_id: int, now: datetime, settings: Settings) -> str:
    """A new token for the feed of all the agency's experts' bookings, replacing the previous
    one. Each expert's `feed_shows_customer` still applies to their bookings."""
    return await rotate_feed_token("agency", agency_id, now, settings)
