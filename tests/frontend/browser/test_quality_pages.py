"""In Chromium: a customer sends a question on the form, an expert finds it in the
contact-request inbox and answers it; every page on the way, and the key-customer page, is
axe-core clean (WCAG 2.1 A and AA) in Finnish and Swedish, at desktop width and at 320 px."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from testdata.factories import STAFF_PASSWORD
from tests.frontend.browser.conftest import DESKTOP, NARROW, screenshot
from tests.frontend.browser.test_accessibility import _violations
from tests.quality_world import Quality

pytestmark = pytest.mark.browser


async def _sign_in(page: Page, who: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/staff/login")
    await page.locator("#email").fill(f"{who}@example.fi")
    await page.locator("#password").fill(STAFF_PASSWORD)
    await page.locator("button[type=submit]").click()
    await page.wait_for_url("**/staff/calendar*")


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_a_question_goes_from_the_form_to_the_inbox_and_is_answered(
    page: Page, live_server: str, quality: Quality, language: str, width: str
):
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    failures: dict[str, str] = {}

    async def check(name: str) -> None:
        if report := await _violations(page):
            failures[name] = report
        if language == "fi":
            await screenshot(page, f"{name}-{width}")

    await page.goto(f"/contact?lang={language}")
    await page.locator("button[type=submit]").click()
    await page.wait_for_selector(".error-summary")
    await check("contact-form-errors")
    await page.locator("#topic").select_option("funding")
    await page.locator("#question").fill("Miten haen starttirahaa?")
    await page.locator("#name").fill("Liisa Laine")
    await page.locator("#email").fill("liisa@example.com")
    await page.locator("#privacy").check()
    await page.locator("button[type=submit]").click()
    await page.wait_for_url("**/contact/sent/*")
    reference = (await page.locator("dd").first.inner_text()).strip()
    await check("contact-sent")

    await _sign_in(page, "aino")
    await page.goto(f"/staff/contact-requests?lang={language}")
    assert await page.locator(f"a[href='/staff/contact-requests/{reference}']").count() == 1
    await check("contact-inbox")
    await page.locator(f"a[href='/staff/contact-requests/{reference}']").click()
    await check("contact-request")
    await page.locator("#message").fill("Starttirahaa haetaan TE-palveluista ennen aloitusta.")
    await page.locator("form[action$='/reply'] button[type=submit]").click()
    await page.wait_for_url("**done=replied")
    await check("contact-request-answered")

    await _sign_in(page, "boss")
    await page.goto("/staff/admin/key-customers")
    await check("key-customers")
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
