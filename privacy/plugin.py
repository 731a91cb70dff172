"""The privacy domain's part of the app: the audit-log and data-request routes, the daily job."""

from __future__ import annotations

from datetime import timedelta

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from luukku.worker import PeriodicJob
from privacy.api import AuditLogController, DataRequestController
from privacy.jobs import daily_privacy_job
from privacy.retention import Retention

ROUTES = (AuditLogController, DataRequestController)


class PrivacyPlugin(InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(ROUTES)
        return app_config


def periodic_jobs(retention: Retention) -> list[PeriodicJob]:
    return [
        PeriodicJob("privacy", timedelta(days=1), lambda now: daily_privacy_job(retention, now))
    ]
