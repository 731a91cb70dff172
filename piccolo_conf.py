"""Piccolo configuration: the engine from DATABASE_URL and the registered domain apps."""

from piccolo.conf.apps import AppRegistry

from luukku.database import engine_from_url
from luukku.settings import Settings

DB = engine_from_url(Settings.from_env().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "luukku.piccolo_app",
        "calendars.piccolo_app",
        "booking.piccolo_app",
        "notifications.piccolo_app",
        "security.piccolo_app",
    ]
)
