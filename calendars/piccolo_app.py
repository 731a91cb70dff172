"""Piccolo app registration of the calendars domain.

Staff logins (`staff.tables`) and feed tokens (`booking.feeds.tables`) were created by this
app's migrations, so they stay registered here, where their migration history is: the
auto-migrations then see no difference. The feed token's module is named by string
(`table_finder`), since the calendars domain sits below booking and imports none of it.
"""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

from calendars.tables import TABLES as CALENDAR_TABLES
from staff.oidc.tables import TABLES as OIDC_TABLES
from staff.tables import TABLES as STAFF_TABLES

TABLES = (
    *CALENDAR_TABLES,
    *STAFF_TABLES,
    *OIDC_TABLES,
    *table_finder(["booking.feeds.tables"]),
)

APP_CONFIG = AppConfig(
    app_name="calendars",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "calendars"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
