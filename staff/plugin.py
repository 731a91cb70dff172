"""Staff identity's part of the app: sign-in routes and the `create-admin` command."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from staff.api import AuthController, StaffController
from staff.cli import StaffCLIPlugin

ROUTES = (AuthController, StaffController)


class StaffPlugin(StaffCLIPlugin, InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(ROUTES)
        return app_config
