"""Waitlist: entries waiting for a freed time, and the offers made to them (each a hold)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T09:42:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "waitlist"


def _tables(serial: str) -> tuple[str, ...]:
    entry = (
        "CREATE TABLE waitlist_entry ("
        f"id {serial}, "
        "reference VARCHAR(16) NOT NULL UNIQUE, "
        "token_hash VARCHAR(64) NOT NULL, "
        "service INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE, "
        "expert INTEGER NULL REFERENCES expert (id) ON DELETE CASCADE, "
        "channel VARCHAR(16) NOT NULL, "
        "language VARCHAR(8) NOT NULL, "
        "earliest DATE NOT NULL, "
        "latest DATE NOT NULL, "
        "customer_name VARCHAR(200) NOT NULL, "
        "customer_email VARCHAR(254) NOT NULL, "
        "customer_phone VARCHAR(32) NOT NULL DEFAULT '', "
        "customer_company VARCHAR(200) NOT NULL DEFAULT '', "
        "customer_business_id VARCHAR(9) NOT NULL DEFAULT '', "
        "customer_language VARCHAR(8) NOT NULL DEFAULT 'fi', "
        "privacy_notice_version VARCHAR(32) NOT NULL DEFAULT '', "
        "booking_reference VARCHAR(16) NOT NULL DEFAULT '', "
        "booking_starts_at TIMESTAMPTZ NULL, "
        "status VARCHAR(16) NOT NULL DEFAULT 'waiting', "
        "claimed_until TIMESTAMPTZ NULL, "
        "created_at TIMESTAMPTZ NOT NULL, "
        "updated_at TIMESTAMPTZ NOT NULL)"
    )
    offer = (
        "CREATE TABLE waitlist_offer ("
        f"id {serial}, "
        "entry INTEGER NOT NULL REFERENCES waitlist_entry (id) ON DELETE CASCADE, "
        "service INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE, "
        "expert INTEGER NOT NULL REFERENCES expert (id) ON DELETE CASCADE, "
        "starts_at TIMESTAMPTZ NOT NULL, "
        "ends_at TIMESTAMPTZ NOT NULL, "
        "hold INTEGER NULL REFERENCES hold (id) ON DELETE SET NULL, "
        "token_hash VARCHAR(64) NOT NULL UNIQUE, "
        "status VARCHAR(16) NOT NULL DEFAULT 'open', "
        "offered_at TIMESTAMPTZ NOT NULL, "
        "expires_at TIMESTAMPTZ NOT NULL, "
        "resolved_at TIMESTAMPTZ NULL, "
        "booking_reference VARCHAR(16) NOT NULL DEFAULT '', "
        # Nobody is offered one time twice, whichever worker makes the offer.
        "UNIQUE (entry, starts_at))"
    )
    return (
        entry,
        "CREATE INDEX waitlist_entry_reference ON waitlist_entry (reference)",
        "CREATE INDEX waitlist_entry_service ON waitlist_entry (service)",
        "CREATE INDEX waitlist_entry_status ON waitlist_entry (status)",
        "CREATE INDEX waitlist_entry_created_at ON waitlist_entry (created_at)",
        offer,
        "CREATE INDEX waitlist_offer_entry ON waitlist_offer (entry)",
        "CREATE INDEX waitlist_offer_service ON waitlist_offer (service)",
        "CREATE INDEX waitlist_offer_status ON waitlist_offer (status)",
        "CREATE INDEX waitlist_offer_expires_at ON waitlist_offer (expires_at)",
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="booking", description=DESCRIPTION)
    engine = engine_finder()
    assert engine is not None

    async def add_waitlist() -> None:
        postgres = engine.engine_type == "postgres"
        serial = "SERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY"
        for statement in _tables(serial):
            await engine._run_in_new_connection(statement)

    async def drop_waitlist() -> None:
        await engine._run_in_new_connection("DROP TABLE waitlist_offer")
        await engine._run_in_new_connection("DROP TABLE waitlist_entry")

    manager.add_raw(add_waitlist)
    manager.add_raw_backwards(drop_waitlist)
    return manager
