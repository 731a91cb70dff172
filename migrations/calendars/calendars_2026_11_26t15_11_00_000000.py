"""Seal the calendar passwords stored before encryption (calendars/credentials.py).

Needs the SECRET_KEY the app runs with (DEMO_MODE uses the demo key). Without one the rows
stay as they are: the app still reads them, and seals a password when it is saved again.
Backwards, sealed passwords are opened again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Text
from piccolo.table import Table

ID = "2026-11-26T15:11:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "encrypt calendar passwords at rest"


class ExternalCalendar(Table, tablename="external_calendar"):
    password = Text(default="")


def _cipher():  # type: ignore[no-untyped-def]
    from calendars.credentials import PasswordCipher
    from luukku.settings import Settings

    try:
        return PasswordCipher.from_settings(Settings.from_env())
    except RuntimeError as exc:
        print(f"calendar passwords left as they are: {exc}")
        return None


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)

    async def seal() -> None:
        from calendars.credentials import PREFIX

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
