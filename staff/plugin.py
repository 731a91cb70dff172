"""Staff identity's part of the app: sign-in routes (password and OpenID Connect) and the
`create-admin` command."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from luukku.settings import Settings
from staff.api import AuthController, StaffController
from staff.cli import StaffCLIPlugin
from staff.oidc.api import OidcController
from staff.oidc.identity import check_role_map
from staff.oidc.provider import OpenIDProvider

ROUTES = (AuthController, OidcController, StaffController)


class StaffPlugin(StaffCLIPlugin, InitPluginProtocol):
    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(ROUTES)
        return app_config


def openid_provider(settings: Settings) -> OpenIDProvider:
    """The city's OpenID Provider as this app sees it; settings that leave no way to sign in,
    or map groups to roles Luukku lacks, stop the start."""
    if not settings.password_login and not settings.oidc_enabled:
        raise RuntimeError("PASSWORD_LOGIN=false needs OIDC_ISSUER and OIDC_CLIENT_ID")
    check_role_map(settings)
    return OpenIDProvider(settings)
