"""The waitlist in a browser: join from a full week's service page (Finnish), then accept the
offer from the link in the email that real SMTP delivered (Swedish); axe-clean throughout."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from booking.tables import Booking
from booking.waitlist.offering import make_offers
from luukku.settings import Settings
from notifications.delivery import Delivery, send_due
from testdata.factories import make_agency, make_expert, make_service
from tests.conftest import NOW
from tests.frontend.browser.conftest import book_by_api, screenshot
from tests.frontend.browser.test_accessibility import _violations
from tests.notifications.conftest import (  # noqa: F401 (fixtures)
    SmtpServer,
    delivery,
    smtp_server,
)

pytestmark = pytest.mark.browser
START = "2026-11-24T10:00:00+02:00"


async def test_join_from_a_full_week_and_accept_the_offer_from_the_email_link(
    page: Page,
    live_server: str,
    db: None,
    settings: Settings,
    delivery: Delivery,  # noqa: F811 (the fixture, imported)
    smtp_server: SmtpServer,  # noqa: F811 (the fixture, imported)
):
    agency = await make_agency()
    await make_expert(agency, hours=[(1, "10:00", "11:00")])  # one time a week: Tuesday 10.00
    await make_service(agency)
    booking = await book_by_api(live_server, START)

    await page.goto("/services/funding-advice?lang=fi&week=2026-11-23&channel=video")
    section = page.locator("section", has=page.get_by_role("heading", name="Ei sopivaa aikaa?"))
    await section.get_by_label("Nimesi").fill("Kaisa Yrittäjä")
    await section.get_by_label("Sähköpostiosoite").fill("kaisa@example.com")
    assert await _violations(page) == ""
    await section.get_by_role("button", name="Liity jonoon").click()
    await expect(page.get_by_role("heading", name="Paikkasi jonossa")).to_be_visible()
    await expect(page.get_by_text("Odottaa ajan vapautumista")).to_be_visible()
    assert await _violations(page) == ""
    await screenshot(page, "waitlist-joined-fi")

    async with httpx.AsyncClient(base_url=live_server) as client:
        cancelled = await client.post(
            f"/api/v1/bookings/{booking['reference']}/cancel",
            headers={"Authorization": f"Bearer {booking['manage_token']}"},
        )
    assert cancelled.status_code == 200
    assert await make_offers(settings, NOW) == 1  # the worker's run, on the same database
    await send_due(delivery, NOW)
    [offer_mail] = [m for m in smtp_server.received if "Vapautunut aika" in m["Subject"]]
    body = offer_mail.get_body(("plain",))
    assert body is not None
    link = re.search(r"https?://\S+/waitlist/offers/\S+", body.get_content())
    assert link, body.get_content()
    path = link[0].removeprefix(settings.public_base_url)

    await page.goto(f"{path}?lang=sv")
    await expect(page.get_by_role("heading", name="En tid har blivit ledig åt dig")).to_be_visible()
    await expect(page.locator(".held")).to_have_text("Tiden hålls för dig till kl. 11.00.")
    assert await _violations(page) == ""
    await screenshot(page, "waitlist-offer-sv")
    await page.get_by_role("button", name="Ta emot den här tiden").click()
    await expect(page.get_by_role("heading", name="Din tid är bokad")).to_be_visible()
    assert await Booking.count().where(Booking.status == "confirmed") == 1
