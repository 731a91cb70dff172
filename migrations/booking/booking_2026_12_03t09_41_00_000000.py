"""Holds: the hold table, and a reservation row that belongs to a hold until it expires.

A reservation row with `expires_at` holds its time only until then. The exclusion constraint
(reservation_no_overlap) stays as it is: writers delete expired hold rows in their way under
the resource's lock before inserting (booking/bookings/reservations.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "holds"


def _hold_table(serial: str) -> str:
    return (
        "CREATE TABLE hold ("
        f"id {serial}, "
        "token_hash VARCHAR(64) NOT NULL UNIQUE, "
        "holder VARCHAR(80) NOT NULL, "
        "service INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE, "
        "expert INTEGER NOT NULL REFERENCES expert (id) ON DELETE CASCADE, "
        "starts_at TIMESTAMPTZ NOT NULL, "
        "ends_at TIMESTAMPTZ NOT NULL, "
        "channel VARCHAR(16) NOT NULL, "
        "language VARCHAR(8) NOT NULL, "
        "expires_at TIMESTAMPTZ NOT NULL, "
        "created_at TIMESTAMPTZ NOT NULL)"
    )


UP = (
    "CREATE INDEX hold_token_hash ON hold (token_hash)",
    "CREATE INDEX hold_holder ON hold (holder)",
    "CREATE INDEX hold_service ON hold (service)",
    "CREATE INDEX hold_expert ON hold (expert)",
    "CREATE INDEX hold_expires_at ON hold (expires_at)",
    "ALTER TABLE reservation ADD COLUMN hold INTEGER NULL "
    "REFERENCES hold (id) ON DELETE CASCADE",
    "ALTER TABLE reservation ADD COLUMN expires_at TIMESTAMPTZ NULL",
    "CREATE INDEX reservation_hold ON reservation (hold)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="booking", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def add_holds() -> None:
        postgres = engine.engine_type == "postgres"
        serial = "SERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY"
        await engine._run_in_new_connection(_hold_table(serial))
        for statement in UP:
            await engine._run_in_new_connection(statement)

    async def drop_holds() -> None:
        await engine._run_in_new_connection("DROP INDEX IF EXISTS reservation_hold")
        await engine._run_in_new_connection("ALTER TABLE reservation DROP COLUMN expires_at")
        await engine._run_in_new_connection("ALTER TABLE reservation DROP COLUMN hold")
        await engine._run_in_new_connection("DROP TABLE hold")

    manager.add_raw(add_holds)
    manager.add_raw_backwards(drop_holds)
    return manager
