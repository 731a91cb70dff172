"""Fixtures of the privacy tests: the rate-limited app of the security tests."""

from tests.security.conftest import client_from, limited_app, limited_settings

__all__ = ["client_from", "limited_app", "limited_settings"]
