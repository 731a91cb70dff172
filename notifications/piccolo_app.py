"""Piccolo app registration of the notifications domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from notifications.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(
        Path(__file__).resolve().parent.parent / "migrations" / "notifications"
    ),
    table_classes=list(TABLES),
    migration_dependencies=["booking.piccolo_app"],
    commands=[],
)
