"""Calendar passwords become text: a sealed password is longer than 200 characters.

SQLite keeps the column as it is (it enforces no VARCHAR length).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T15:10:49:240351"
VERSION = "1.38.0"
DESCRIPTION = "calendar passwords as text: sealed values are longer"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def widen() -> None:
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection(
                "ALTER TABLE external_calendar ALTER COLUMN password TYPE TEXT"
            )

    async def narrow() -> None:
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection(
                "ALTER TABLE external_calendar ALTER COLUMN password TYPE VARCHAR(200)"
            )

    manager.add_raw(widen)
    manager.add_raw_backwards(narrow)
    return manager
