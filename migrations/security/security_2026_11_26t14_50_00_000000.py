"""The audit log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE.

SQLite keeps the table without a trigger (the demo engine); no route updates or deletes
audit rows on either engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T14:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log append-only trigger"

FUNCTION_UP = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""
TRIGGER_UP = (
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
)
TRIGGER_DOWN = "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"
FUNCTION_DOWN = "DROP FUNCTION IF EXISTS audit_entry_append_only()"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="security", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def add_trigger() -> None:
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection(FUNCTION_UP)
            await engine._run_in_new_connection(TRIGGER_UP)

    async def drop_trigger() -> None:
        if engine.engine_type == "postgres":
            await engine._run_in_new_connection(TRIGGER_DOWN)
            await engine._run_in_new_connection(FUNCTION_DOWN)

    manager.add_raw(add_trigger)
    manager.add_raw_backwards(drop_trigger)
    return manager
