"""An expert signs in, finds a customer's booking in the week view, adds an absence, and the
public slot list stops offering those times."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.frontend.browser.conftest import book_by_api, screenshot
from tests.frontend.conftest import EXPERT_PASSWORD

pytestmark = pytest.mark.browser


async def test_expert_sees_the_booking_adds_an_absence_and_the_times_are_gone(
    page: Page, live_server: str, expert_login: str
):
    await book_by_api(live_server, "2026-11-24T10:00:00+02:00")
    tuesday_times = page.locator(".day").nth(1).get_by_role("button")
    await page.goto("/services/funding-advice?lang=fi&week=2026-11-23")
    assert await tuesday_times.count() > 0

    await page.goto("/staff/calendar")
    await expect(page.get_by_role("heading", name="Henkilöstön kirjautuminen")).to_be_visible()
    await page.get_by_label("Sähköposti").fill(expert_login)
    await page.get_by_label("Salasana").fill(EXPERT_PASSWORD)
    await page.get_by_role("button", name="Kirjaudu sisään").click()

    grid = page.get_by_role("region", name="Aikaruudukko")
    booking = grid.get_by_role("link", name="Rahoitusneuvonta: Matti Meikäläinen")
    await expect(booking).to_be_visible()
    await screenshot(page, "staff-week")
    await booking.click()
    await expect(page.locator("main")).to_contain_text("Haen starttirahaa.")
    await screenshot(page, "staff-booking")

    await page.get_by_role("link", name="Poissaolot").click()
    starts = page.get_by_role("group", name="Alkaa")
    ends = page.get_by_role("group", name="Päättyy")
    await starts.get_by_label("Päivämäärä").fill("2026-11-24")
    await starts.get_by_label("Aika").fill("08:00")
    await ends.get_by_label("Päivämäärä").fill("2026-11-24")
    await ends.get_by_label("Aika").fill("17:00")
    await page.get_by_label("Syy").fill("Koulutus")
    await page.get_by_role("button", name="Lisää poissaolo").click()
    await expect(page.get_by_role("status")).to_contain_text("Poissaolo lisättiin.")
    await screenshot(page, "staff-absences")

    await page.get_by_role("link", name="Kalenteri", exact=True).click()
    await expect(grid.locator(".event.absence")).to_contain_text("Koulutus")

    await page.goto("/services/funding-advice?week=2026-11-23")
    await expect(page.locator(".day").nth(1)).to_contain_text("Ei vapaita aikoja")
    assert await tuesday_times.count() == 0
