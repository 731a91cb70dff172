"""Piccolo app registration of the process-wide machinery (the periodic jobs' claims)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from luukku.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="luukku",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "luukku"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
