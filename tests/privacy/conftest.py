"""Fixtures of the privacy tests: the rate-limited app of the security tests, and the SMTP
server the notification tests use, for the data-request mail."""

from tests.notifications.conftest import delivery, smtp_server
from tests.security.conftest import client_from, limited_app, limited_settings

__all__ = ["client_from", "delivery", "limited_app", "limited_settings", "smtp_server"]
