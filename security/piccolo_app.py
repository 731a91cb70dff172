"""Piccolo app registration of the security domain."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from security.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="security",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "security"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
