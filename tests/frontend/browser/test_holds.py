"""Choosing a time holds it: the form says until when it is kept, in Finnish and Swedish, and
the page stays axe-clean; booking from it uses the hold."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from booking.holds.tables import Hold
from booking.tables import Booking, Reservation
from tests.frontend.browser.conftest import screenshot
from tests.frontend.browser.test_accessibility import _violations

pytestmark = pytest.mark.browser


async def test_a_chosen_time_is_kept_until_the_form_says_and_booking_uses_it(
    page: Page, advisor: int
):
    await page.goto("/services/funding-advice?lang=fi&week=2026-11-23")
    # Tuesday in the week grid: the first free time of that day (09.00).
    await page.locator(".day").nth(1).get_by_role("button").first.click()
    await expect(page.get_by_role("heading", name="Yhteystietosi")).to_be_visible()
    # The live server's clock stands at 10.00 Helsinki time; holds last five minutes.
    await expect(page.locator("#held")).to_have_text("Aika on varattu sinulle klo 10.05 asti.")
    assert await _violations(page) == ""
    await screenshot(page, "booking-form-held-fi")
    assert await Hold.count() == 1

    await page.get_by_label("Nimi").fill("Kaisa Yrittäjä")
    await page.get_by_label("Sähköposti").fill("kaisa@example.com")
    await page.get_by_label("Olen lukenut tietosuojaselosteen.").check()
    await page.get_by_role("button", name="Vahvista varaus").click()
    await expect(page.get_by_role("heading", name="Aikasi on varattu")).to_be_visible()
    assert await Booking.count() == 1
    assert await Hold.count() == 0
    assert [r["hold"] for r in await Reservation.select(Reservation.hold)] == [None]


async def test_the_held_form_in_swedish_is_axe_clean_and_going_back_releases_it(
    page: Page, advisor: int
):
    await page.goto("/services/funding-advice?lang=sv&week=2026-11-23")
    await page.locator(".day").nth(2).get_by_role("button").first.click()
    await expect(page.locator("#held")).to_have_text("Tiden hålls för dig till kl. 10.05.")
    assert await _violations(page) == ""
    await screenshot(page, "booking-form-held-sv")
    await page.get_by_role("link", name="Tillbaka till lediga tider").click()
    await expect(page.get_by_role("heading", name="Nästa lediga tider")).to_be_visible()
    assert await Hold.count() == 0
