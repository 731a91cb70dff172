"""Piccolo app registration of the calendars domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from calendars.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="calendars",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "calendars"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
