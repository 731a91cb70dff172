"""The notifications domain's part of the app: the periodic sending of due messages."""

from __future__ import annotations

from luukku.worker import PeriodicJob
from notifications.delivery import SEND_EVERY, Delivery, send_due


def periodic_jobs(delivery: Delivery) -> list[PeriodicJob]:
    return [PeriodicJob("notifications", SEND_EVERY, lambda now: send_due(delivery, now))]
