"""Periodic-job claims: one row per job and tick slot, unique, so each slot runs once.

Raw SQL so the unique pair is a named constraint on both engines (an ON CONFLICT target).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job_run: one claim per periodic job and tick"

COLUMNS = (
    "job VARCHAR(64) NOT NULL, tick_start BIGINT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL, "
    "runner VARCHAR(200) NOT NULL DEFAULT '', "
    "CONSTRAINT job_run_once UNIQUE (job, tick_start)"
)
TABLE_UP = {
    "postgres": f"CREATE TABLE job_run (id SERIAL PRIMARY KEY, {COLUMNS})",
    "sqlite": f"CREATE TABLE job_run (id INTEGER PRIMARY KEY, {COLUMNS})",
}
TABLE_DOWN = "DROP TABLE IF EXISTS job_run"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="luukku", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def create() -> None:
        await engine._run_in_new_connection(TABLE_UP[engine.engine_type])

    async def drop() -> None:
        await engine._run_in_new_connection(TABLE_DOWN)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
