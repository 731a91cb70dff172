"""An agency admin opens the report page in Chromium: the charts and the CSV link are there,
and axe-core finds no WCAG 2.0/2.1 A or AA violation, in Finnish and Swedish, at desktop width
and at 320 px, with the figures and with an error in the period."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.frontend.browser.conftest import DESKTOP, NARROW, screenshot
from tests.frontend.browser.test_accessibility import WCAG_A_AA, WIDER_THAN_VIEWPORT
from tests.report_world import PASSWORD, PERIOD, ReportWorld

pytestmark = pytest.mark.browser

CHART_NAMES = {
    "fi": "Peruuttamattomat varaukset viikoittain",
    "sv": "Bokningar per vecka, inte avbokade",
}


async def _violations(page: Page) -> str:
    results = await Axe().run(page, options=WCAG_A_AA)
    report = results.generate_report() if results.violations_count else ""
    narrow = page.viewport_size and page.viewport_size["width"] <= NARROW["width"]
    if narrow and (too_wide := await page.evaluate(WIDER_THAN_VIEWPORT)):
        report += "\nWider than the screen (reflow): " + "; ".join(too_wide[:5])
    return report


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_the_report_page_passes_axe_wcag_a_and_aa(
    page: Page, report_world: ReportWorld, language: str, width: str
):
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    await page.goto(f"/staff/login?lang={language}")
    await page.locator("#email").fill("boss@example.fi")
    await page.locator("#password").fill(PASSWORD)
    await page.locator("button[type=submit]").click()
    await page.wait_for_url("**/staff/calendar*")

    await page.goto("/staff/admin/reports?start={start}&end={end}".format(**PERIOD))
    await expect(page.get_by_role("img", name=CHART_NAMES[language])).to_be_visible()
    await expect(page.locator("a[href^='/staff/admin/reports/report.csv']")).to_be_visible()
    failures = {}
    if report := await _violations(page):
        failures["reports"] = report
    if language == "fi":
        await screenshot(page, f"admin-reports-{width}")

    await page.locator("#end").fill("2026-01-01")
    await page.locator("form.report-period button[type=submit]").click()
    await page.wait_for_selector(".error-summary")
    if report := await _violations(page):
        failures["reports-errors"] = report
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
