"""In Chromium: a customer finds an expert by a Swedish word in the directory, books them,
follows the booking's history; asks a question and opens its status page from the link of the
receipt email. Every page on the way is axe-core clean in Finnish and Swedish at 1280 and
390 px."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Page, ViewportSize, expect

from notifications.tables import OutboxMessage
from testdata.factories import make_agency, make_expert, make_service, make_topic, set_bio
from tests.frontend.browser.conftest import DESKTOP, screenshot
from tests.frontend.browser.test_accessibility import _violations

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
async def tax_advisor(db: None) -> int:
    agency = await make_agency()
    await make_topic(agency, "taxation", "Verotus", "Beskattning", "Taxation")
    expert = await make_expert(agency, "Kirsi Järvinen", topics=("taxation",))
    await set_bio(
        expert,
        fi="Neuvon yrittäjiä verotuksessa ja ennakkoverossa.",
        sv="Jag ger företagare råd om beskattningen och förskottsskatten.",
        en="I advise entrepreneurs on taxation.",
    )
    await make_service(agency, "tax-advice", topics=("taxation",))
    return expert


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_find_by_a_swedish_word_book_and_follow_a_question(
    page: Page, live_server: str, tax_advisor: int, language: str, width: int
):
    await page.set_viewport_size(DESKTOP if width == 1280 else PHONE)
    failures: dict[str, str] = {}

    async def check(name: str) -> None:
        if report := await _violations(page):
            failures[name] = report
        if language == "sv":
            await screenshot(page, f"{name}-{width}")

    await page.goto(f"/?lang={language}")
    await page.locator("a[href='/experts']").click()
    await page.locator("#q").fill("beskattningen")
    await page.locator(".directory-search button[type=submit]").click()
    card = page.locator(".card.expert")
    await expect(card).to_have_count(1)
    await expect(card).to_contain_text("Kirsi Järvinen")
    await check("directory")

    await card.locator(".expert-services a").first.click()
    await page.wait_for_url(f"**/services/tax-advice?expert={tax_advisor}*")
    await page.locator(".day").nth(1).get_by_role("button").first.click()
    await page.locator("#name").fill("Stina Företagare")
    await page.locator("#email").fill("stina@example.com")
    await page.locator("#privacy").check()
    await page.locator("form button[type=submit]").last.click()
    manage_url = await page.locator(".manage-url a").get_attribute("href")
    assert manage_url
    await page.goto(manage_url)
    await expect(page.locator("ol.history li")).to_have_count(1)
    await check("manage-history")

    await page.goto(f"/contact?lang={language}")
    await page.locator("#topic").select_option("taxation")
    await page.locator("#question").fill("Hur betalar jag förskottsskatt?")
    await page.locator("#name").fill("Stina Företagare")
    await page.locator("#email").fill("stina@example.com")
    await page.locator("#privacy").check()
    await page.locator("form button[type=submit]").last.click()
    await page.wait_for_url("**/contact/sent/*")
    receipt = (
        await OutboxMessage.select(OutboxMessage.payload)
        .where(OutboxMessage.kind == "contact_receipt")
        .first()
    )
    assert receipt is not None
    link = json.loads(receipt["payload"])["letter"]["link"]  # the receipt's button
    assert "/contact/status/" in link
    await page.goto(link.replace("https://luukku.test", live_server))
    await expect(page.locator(".contact-status")).to_have_text(
        {"fi": "Vastaanotettu", "sv": "Mottagen"}[language]
    )
    await check("contact-status")
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
