"""The calendars domain's part of the app: its routes and the sync of experts' own calendars."""

from __future__ import annotations

from datetime import timedelta

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from calendars.api.admin import CalendarsAdminController
from calendars.api.own_calendar import ExternalCalendarController, OwnCalendarController
from calendars.credentials import PasswordCipher
from calendars.external import SYNC_EVERY, sync_due_calendars
from calendars.fetching import Fetcher
from luukku.settings import Settings
from luukku.worker import PeriodicJob

ROUTES = (CalendarsAdminController, OwnCalendarController, ExternalCalendarController)


class CalendarsPlugin(InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(ROUTES)
        return app_config


def periodic_jobs(fetcher: Fetcher, settings: Settings) -> list[PeriodicJob]:
    cipher = PasswordCipher.from_settings(settings)
    return [
        PeriodicJob(
            "external-calendars",
            timedelta(minutes=1),
            lambda now: sync_due_calendars(fetcher, now, every=SYNC_EVERY, cipher=cipher),
        )
    ]
