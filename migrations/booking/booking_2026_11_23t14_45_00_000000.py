"""Reservations never overlap per resource: an exclusion constraint on PostgreSQL.

SQLite has no exclusion constraints; there the overlap check runs inside an IMMEDIATE
transaction (booking/bookings/reservations.py), which serialises every writer.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T14:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reservation overlap constraint and lookup index"

INDEX_UP = (
    "CREATE INDEX IF NOT EXISTS reservation_resource_period "
    "ON reservation (resource, starts_at, ends_at)"
)
INDEX_DOWN = "DROP INDEX IF EXISTS reservation_resource_period"
CONSTRAINT_UP = (
    "ALTER TABLE reservation ADD CONSTRAINT reservation_no_overlap "
    "EXCLUDE USING gist (resource WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
)
CHECK_UP = "ALTER TABLE reservation ADD CONSTRAINT reservation_positive CHECK (starts_at < ends_at)"
CONSTRAINT_DOWN = (
    "ALTER TABLE reservation DROP CONSTRAINT IF EXISTS reservation_no_overlap, "
    "DROP CONSTRAINT IF EXISTS reservation_positive"
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="booking", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def add_constraint() -> None:
        await engine._run_in_new_connection(INDEX_UP)
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection("CREATE EXTENSION IF NOT EXISTS btree_gist")
            await engine._run_in_new_connection(CONSTRAINT_UP)
            await engine._run_in_new_connection(CHECK_UP)

    async def drop_constraint() -> None:
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection(CONSTRAINT_DOWN)
        await engine._run_in_new_connection(INDEX_DOWN)

    manager.add_raw(add_constraint)
    manager.add_raw_backwards(drop_constraint)
    return manager
