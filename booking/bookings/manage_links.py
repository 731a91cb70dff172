"""A booking's manage link: the page where its customer views, reschedules or cancels it
without signing in (`/bookings/{reference}/manage?token=…`).

The token is derived from the reference with the app's secret (HMAC-SHA256), so every message
about the booking, sent at any later time, can carry the same link; only its hash is stored,
and the check compares hashes as before. It names nothing about the customer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from booking.bookings.references import hash_token
from luukku.settings import Settings

_MANAGE = "luukku manage link"


def derived_token(settings: Settings, purpose: str, reference: str) -> str:
    """A token only the app can make for `reference` and `purpose`: 43 URL-safe characters
    (HMAC-SHA256 under the app's secret)."""
    message = f"{purpose}\x00{reference}".encode()
    digest = hmac.new(settings.signing_secret().encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def manage_token(settings: Settings, reference: str) -> str:
    """The booking's manage token."""
    return derived_token(settings, _MANAGE, reference)


def manage_path(reference: str, token: str) -> str:
    return f"/bookings/{reference}/manage?token={token}"


def manage_url(settings: Settings, reference: str, stored_hash: str, language: str = "") -> str:
    """The absolute manage link, as messages carry it (opening in the reader's `language`);
    empty for a booking whose token was not derived (one made before links were), whose
    link the messages cannot know."""
    token = manage_token(settings, reference)
    if not hmac.compare_digest(hash_token(token), stored_hash):
        return ""
    suffix = f"&lang={language}" if language else ""
    return settings.public_base_url + manage_path(reference, token) + suffix
