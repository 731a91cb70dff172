"""An entrepreneur books in Swedish from the catalogue to the confirmation, then cancels from
the manage link; and the same path done with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from booking.tables import Booking
from tests.frontend.browser.conftest import screenshot

pytestmark = pytest.mark.browser


async def test_entrepreneur_books_in_swedish_and_cancels_from_the_manage_link(
    page: Page, advisor: int
):
    await page.goto("/")
    await page.get_by_role("link", name="På svenska").click()
    await expect(page.locator("html")).to_have_attribute("lang", "sv")
    await screenshot(page, "catalogue-sv")

    await page.get_by_role("link", name="Finansieringsrådgivning").click()
    await expect(page.get_by_role("heading", name="Nästa lediga tider")).to_be_visible()
    await page.get_by_label("Video").check()
    await page.get_by_role("button", name="Visa lediga tider").click()
    await screenshot(page, "service-sv")
    # Tuesday in the week grid: the first free time of that day.
    tuesday = page.locator(".day").nth(1)
    await tuesday.get_by_role("button").first.click()

    await expect(page.get_by_role("heading", name="Dina uppgifter")).to_be_visible()
    await page.get_by_role("button", name="Bekräfta bokningen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Ange ditt namn.")
    await expect(page.get_by_label("Namn")).to_have_attribute("aria-invalid", "true")
    await screenshot(page, "booking-form-errors-sv")

    await page.get_by_label("Namn").fill("Stina Företagare")
    await page.get_by_label("E-post").fill("stina@example.com")
    await page.get_by_label("FO-nummer (Y-tunnus)").fill("2617416-4")
    await page.get_by_label("Jag har läst dataskyddsbeskrivningen.").check()
    await page.get_by_role("button", name="Bekräfta bokningen").click()

    await expect(page.get_by_role("heading", name="Din tid är bokad")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("tisdag 24 november 2026 9.00")
    await expect(page.get_by_role("link", name="Lägg till i kalendern (.ics)")).to_be_visible()
    await screenshot(page, "confirmation-sv")
    booking = await Booking.select(Booking.customer_language, Booking.channel).first()
    assert booking == {"customer_language": "sv", "channel": "video"}

    manage_url = await page.locator(".manage-url a").get_attribute("href")
    assert manage_url
    assert re.search(r"/bookings/LK-[^/]+/manage\?token=", manage_url)
    await page.goto(manage_url)
    await page.get_by_role("link", name="Avboka", exact=True).click()
    await expect(page.get_by_role("heading", name="Avboka bokningen?")).to_be_visible()
    await page.get_by_label("Orsak till avbokningen").fill("Jag blev sjuk")
    await page.get_by_role("button", name="Ja, avboka bokningen").click()
    await expect(page.get_by_role("status")).to_have_text("Din bokning har avbokats.")
    await expect(page.locator("main")).to_contain_text("Avbokad")
    await screenshot(page, "manage-cancelled-sv")
    assert await Booking.select(Booking.status, Booking.cancel_reason).first() == {
        "status": "cancelled",
        "cancel_reason": "Jag blev sjuk",
    }


async def _tab_to(page: Page, description: str, check: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes `check` (a JS predicate on `el`)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"(el => {check})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached {description}")


async def test_whole_booking_path_works_with_the_keyboard_alone(page: Page, advisor: int):
    await page.goto("/?lang=fi")
    await _tab_to(page, "the service", "el.textContent.trim() === 'Rahoitusneuvonta'")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Rahoitusneuvonta")).to_be_visible()

    # The filters keep their defaults (in person, Finnish, any expert): a radio group is
    # changed with the arrow keys, which this path does without.
    await _tab_to(page, "a free time", "el.classList.contains('slot')")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Yhteystietosi")).to_be_visible()

    await _tab_to(page, "the name field", "el.id === 'name'")
    await page.keyboard.type("Kalle Näppäimistö")
    await _tab_to(page, "the email field", "el.id === 'email'")
    await page.keyboard.type("kalle@example.com")
    await _tab_to(page, "the privacy checkbox", "el.id === 'privacy'")
    await page.keyboard.press("Space")
    await _tab_to(page, "the submit button", "el.type === 'submit'")
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("heading", name="Aikasi on varattu")).to_be_visible()
    assert await Booking.count() == 1
