"""The privacy domain's daily job: forget what is past retention, spent rate-limit counters and
used data-request links."""

from __future__ import annotations

from datetime import datetime

from privacy.data_requests import forget_expired_requests
from privacy.retention import Retention
from security.rate_limits import forget_expired_counters


async def daily_privacy_job(retention: Retention, now: datetime) -> None:
    """The daily job: anonymise what is past retention, forget spent rate-limit counters
    and data-request links. Idempotent: a second run the same day changes nothing."""
    await retention.anonymise_due(now)
    await forget_expired_counters(now)
    await forget_expired_requests(now)
