"""Agencies, service points and rooms can be retired"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T09:21:24:713115"
VERSION = "1.38.0"
DESCRIPTION = "Agencies, service points and rooms can be retired"
COLUMNS = (
    ("Agency", "agency", "active"),
    ("ServicePoint", "service_point", "active"),
    ("Room", "room", "active"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)
    for class_name, tablename, column in COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name="Boolean",
            column_class=Boolean,
            params={
                "default": True,
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
