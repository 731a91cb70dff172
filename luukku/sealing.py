"""Secrets Luukku must keep readable for itself but not for whoever reads its database:
sealed with Fernet under a key derived from SECRET_KEY and a purpose.

The current SECRET_KEY seals, PREVIOUS_SECRET_KEYS still open (key rotation). Each purpose
derives its own key, so a value sealed for one use cannot be opened as another.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from luukku.settings import Settings

PREFIX = "fernet:"


class UnknownKey(ValueError):
    """Sealed with a key that is no longer in SECRET_KEY or PREVIOUS_SECRET_KEYS."""


def _fernet(purpose: str, secret: str) -> Fernet:
    digest = hashlib.sha256(f"luukku-{purpose}:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class Sealer:
    def __init__(self, purpose: str, current: str, previous: Sequence[str] = ()) -> None:
        self._keys = MultiFernet([_fernet(purpose, s) for s in (current, *previous)])

    @classmethod
    def from_settings(cls, purpose: str, settings: Settings) -> Sealer:
        return cls(purpose, settings.signing_secret(), settings.previous_secret_keys)

    def seal(self, value: str) -> str:
        """The stored form of `value` (empty stays empty)."""
        if not value:
            return ""
        return PREFIX + self._keys.encrypt(value.encode()).decode("ascii")

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(PREFIX)

    def open(self, stored: str) -> str:
        """The value of a sealed `stored`; a value without the prefix is read as it is."""
        if not self.is_sealed(stored):
            return stored
        try:
            return self._keys.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
        except InvalidToken as exc:
            raise UnknownKey("sealed with an unknown key") from exc
