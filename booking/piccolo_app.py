"""Piccolo app registration of the booking domain: its core, hold, waitlist, joint-session and
quality tables."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from booking.history.tables import TABLES as HISTORY_TABLES
from booking.holds.tables import TABLES as HOLD_TABLES
from booking.joint.tables import TABLES as JOINT_TABLES
from booking.quality.tables import TABLES as QUALITY_TABLES
from booking.tables import TABLES as CORE_TABLES
from booking.waitlist.tables import TABLES as WAITLIST_TABLES

TABLES = (
    *CORE_TABLES,
    *HOLD_TABLES,
    *WAITLIST_TABLES,
    *JOINT_TABLES,
    *QUALITY_TABLES,
    *HISTORY_TABLES,
)

APP_CONFIG = AppConfig(
    app_name="booking",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations" / "booking"),
    table_classes=list(TABLES),
    migration_dependencies=["calendars.piccolo_app"],
    commands=[],
)
