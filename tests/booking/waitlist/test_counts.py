"""What staff see: how many wait per service and for which days; offers made, accepted and
lapsed in a period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from booking.catalogue.services import get_service
from booking.waitlist.counts import lines_of, offer_counts
from booking.waitlist.offering import make_offers
from luukku.settings import Settings
from tests.booking.waitlist.conftest import bearer, join
from tests.conftest import NOW


async def test_the_line_per_service_counts_waiters_and_the_days_they_want(
    client: httpx.AsyncClient, full_week: dict[str, Any]
):
    await join(client, "Eka", "eka@example.com", latest="2026-11-25")
    await join(client, "Toka", "toka@example.com", earliest="2026-11-25", latest="2026-11-26")
    service = await get_service("funding-advice")
    line = (await lines_of([service.id], date(2026, 11, 24)))[service.id]
    assert line.waiting == 2
    assert line.days == {date(2026, 11, 24): 1, date(2026, 11, 25): 2, date(2026, 11, 26): 1}


async def test_offers_made_accepted_and_lapsed_are_counted_for_the_reports(
    client: httpx.AsyncClient, settings: Settings, full_week: dict[str, Any]
):
    await join(client, "Eka", "eka@example.com")
    second = await join(client, "Toka", "toka@example.com")
    await client.post(
        f"/api/v1/bookings/{full_week['reference']}/cancel",
        headers=bearer(full_week["manage_token"]),
    )
    await make_offers(settings, NOW)
    await make_offers(settings, NOW + timedelta(minutes=settings.waitlist_offer_minutes))
    accepted = await client.post(
        f"/api/v1/waitlist/{second['reference']}/accept", headers=bearer(second["token"])
    )
    assert accepted.status_code == 201, accepted.text
    service = await get_service("funding-advice")
    counts = await offer_counts([service.id], NOW, NOW + timedelta(days=1))
    assert (counts["made"], counts["accepted"], counts["lapsed"]) == (2, 1, 1)
