"""The holds domain's periodic job: tidy expired hold rows (their time is free already)."""

from __future__ import annotations

from datetime import timedelta

from booking.holds.holding import forget_expired_holds
from luukku.worker import PeriodicJob


def hold_jobs() -> list[PeriodicJob]:
    return [PeriodicJob("expired-holds", timedelta(minutes=5), forget_expired_holds)]
