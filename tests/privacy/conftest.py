"""Fixtures of the privacy tests: the rate-limited app of the security tests, and the real
SMTP server of the notification tests (exports and erasures go by mail)."""

from tests.notifications.conftest import delivery, smtp_server
from tests.security.conftest import client_from, limited_app, limited_settings

__all__ = ["client_from", "delivery", "limited_app", "limited_settings", "smtp_server"]
