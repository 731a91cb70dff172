"""A staff login's OIDC subject is unique (NULLs may repeat). An index rather than a UNIQUE
column: SQLite cannot add a UNIQUE column, and Piccolo runs raw SQL before the columns of the
same migration, so this follows the one that added the column.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:30:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "one staff login per OIDC subject"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def unique_subject() -> None:
        await engine._run_in_new_connection(
            "CREATE UNIQUE INDEX staff_user_oidc_subject_unique ON staff_user (oidc_subject)"
        )

    async def drop_unique_subject() -> None:
        await engine._run_in_new_connection("DROP INDEX staff_user_oidc_subject_unique")

    manager.add_raw(unique_subject)
    manager.add_raw_backwards(drop_unique_subject)
    return manager
