"""Piccolo app registration of the booking domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from booking.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="booking",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "booking"),
    table_classes=list(TABLES),
    migration_dependencies=["calendars.piccolo_app"],
    commands=[],
)
