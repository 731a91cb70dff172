"""Customers' own data requests: an emailed one-time link to export and erase their data."""

from __future__ import annotations

from datetime import datetime

from security.tables import DataRequest


async def forget_expired_requests(now: datetime) -> None:
    """Links past their expiry are of no use to anyone: dropped by the daily job."""
    await DataRequest.delete().where(DataRequest.expires_at < now)
