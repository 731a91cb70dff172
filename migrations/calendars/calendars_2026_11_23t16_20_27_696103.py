"""External calendars may opt in to having bookings written into them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T16:20:27:696103"
VERSION = "1.38.0"
DESCRIPTION = "external calendar write_bookings"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="calendars", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="ExternalCalendar",
        tablename="external_calendar",
        column_name="write_bookings",
        db_column_name="write_bookings",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
