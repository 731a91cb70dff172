"""Passwords of experts' own calendars, encrypted at rest with a key derived from SECRET_KEY.

Stored values read `fernet:<token>`; the current SECRET_KEY encrypts, PREVIOUS_SECRET_KEYS
still decrypt (key rotation). A value without the prefix is a password stored before
encryption and is read as it is until the migration or the next save seals it.
"""

from __future__ import annotations

from collections.abc import Sequence

from luukku.sealing import PREFIX, Sealer, UnknownKey
from luukku.settings import Settings

__all__ = ["PREFIX", "PasswordCipher"]

PURPOSE = "calendar-passwords"


class PasswordCipher:
    def __init__(self, current: str, previous: Sequence[str] = ()) -> None:
        self._sealer = Sealer(PURPOSE, current, previous)

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordCipher:
        return cls(settings.signing_secret(), settings.previous_secret_keys)

    def seal(self, password: str) -> str:
        """The stored form of `password` (empty stays empty: no password)."""
        return self._sealer.seal(password)

    def open(self, stored: str) -> str:
        try:
            return self._sealer.open(stored)
        except UnknownKey as exc:
            raise ValueError("calendar password sealed with an unknown key") from exc
