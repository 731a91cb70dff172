"""Experts introduce themselves in fi, sv and en"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T09:21:32:296568"
VERSION = "1.38.0"
DESCRIPTION = "Experts introduce themselves in fi, sv and en"
COLUMNS = (
    ("Expert", "expert", "bio_fi"),
    ("Expert", "expert", "bio_sv"),
    ("Expert", "expert", "bio_en"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendars", description=DESCRIPTION)
    for class_name, tablename, column in COLUMNS:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name="Text",
            column_class=Text,
            params={
                "default": "",
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
