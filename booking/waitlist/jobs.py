"""The waitlist's periodic job: lapse, expire, and offer freed times down the line."""

from __future__ import annotations

from datetime import timedelta

from booking.waitlist.offering import make_offers
from luukku.settings import Settings
from luukku.worker import PeriodicJob


def waitlist_jobs(settings: Settings) -> list[PeriodicJob]:
    return [
        PeriodicJob("waitlist-offers", timedelta(minutes=1), lambda now: make_offers(settings, now))
    ]
