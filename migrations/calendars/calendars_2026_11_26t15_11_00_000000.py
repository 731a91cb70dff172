"""Seal the calendar passwords stored before encryption (calendars/credentials.py).

Needs the SECRET_KEY the app runs with (DEMO_MODE uses the demo key). Without one the rows
stay as they are: the app still reads them, and seals a password when it is saved again.
Backwards, sealed passwords are opened again.

Self-contained on purpose: the key derivation is copied here as it was when this migration
was written, so that later changes to the application cannot change what it does.
"""

import base64
import hashlib
import os

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Text
from piccolo.table import Table

ID = "2026-11-26T15:11:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "encrypt calendar passwords at rest"


class ExternalCalendar(Table, tablename="external_calendar"):
    password = Text(default="")


PREFIX = "fernet:"
DEMO_SECRET = "luukku-demo-secret-do-not-use-in-production-ever"


def _fernet(secret):  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(f"luukku-calendar-passwords:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class _Cipher:
    def __init__(self, current, previous):  # type: ignore[no-untyped-def]
        from cryptography.fernet import MultiFernet

        self._keys = MultiFernet([_fernet(current), *(_fernet(s) for s in previous)])

    def seal(self, password):  # type: ignore[no-untyped-def]
        return PREFIX + self._keys.encrypt(password.encode()).decode("ascii") if password else ""

    def open(self, stored):  # type: ignore[no-untyped-def]
        if not stored.startswith(PREFIX):
            return stored
        return self._keys.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()


def _cipher():  # type: ignore[no-untyped-def]
    secret = os.environ.get("SECRET_KEY", "")
    demo = os.environ.get("DEMO_MODE", "").strip().lower() in {"", "1", "true", "yes", "on"}
    previous = [k for k in os.environ.get("PREVIOUS_SECRET_KEYS", "").split(",") if k]
    if len(secret) >= 32:
        return _Cipher(secret, previous)
    if demo:
        return _Cipher(DEMO_SECRET, previous)
    print("calendar passwords left as they are: no usable SECRET_KEY")
    return None


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)

    async def seal() -> None:
        cipher = _cipher()
        if cipher is None:
            return
        rows = await ExternalCalendar.select(ExternalCalendar.id, ExternalCalendar.password)
        for row in rows:
            if row["password"] and not row["password"].startswith(PREFIX):
                await ExternalCalendar.update(
                    {ExternalCalendar.password: cipher.seal(row["password"])}
                ).where(ExternalCalendar.id == row["id"])

    async def unseal() -> None:
        cipher = _cipher()
        if cipher is None:
            return
        rows = await ExternalCalendar.select(ExternalCalendar.id, ExternalCalendar.password)
        for row in rows:
            await ExternalCalendar.update(
                {ExternalCalendar.password: cipher.open(row["password"])}
            ).where(ExternalCalendar.id == row["id"])

    manager.add_raw(seal)
    manager.add_raw_backwards(unseal)
    return manager
