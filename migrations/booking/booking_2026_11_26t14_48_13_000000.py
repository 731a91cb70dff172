"""One key-customer manager per agency and company (Y-tunnus)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T14:48:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "one key-customer manager per agency and company"

INDEX_UP = (
    "CREATE UNIQUE INDEX IF NOT EXISTS key_customer_agency_company "
    "ON key_customer (agency, business_id)"
)
INDEX_DOWN = "DROP INDEX IF EXISTS key_customer_agency_company"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="booking", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def add_index() -> None:
        await engine._run_in_new_connection(INDEX_UP)

    async def drop_index() -> None:
        await engine._run_in_new_connection(INDEX_DOWN)

    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
