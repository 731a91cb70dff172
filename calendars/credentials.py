"""Passwords of experts' own calendars, encrypted at rest with a key derived from SECRET_KEY.

Stored values read `fernet:<token>`; the current SECRET_KEY encrypts, PREVIOUS_SECRET_KEYS
still decrypt (key rotation). A value without the prefix is a password stored before
encryption and is read as it is until the migration or the next save seals it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from luukku.settings import Settings

PREFIX = "fernet:"


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(f"luukku-calendar-passwords:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class PasswordCipher:
    def __init__(self, current: str, previous: Sequence[str] = ()) -> None:
        self._keys = MultiFernet([_fernet(current), *(_fernet(s) for s in previous)])

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordCipher:
        return cls(settings.signing_secret(), settings.previous_secret_keys)

    def seal(self, password: str) -> str:
        """The stored form of `password` (empty stays empty: no password)."""
        if not password:
            return ""
        return PREFIX + self._keys.encrypt(password.encode()).decode("ascii")

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # stored before encryption
        try:
            return self._keys.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
        except InvalidToken as exc:
            raise ValueError("calendar password sealed with an unknown key") from exc
