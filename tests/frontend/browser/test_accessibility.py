"""axe-core on every page, in Finnish and Swedish, at desktop width and at 320 px: no
violation of a WCAG 2.0 or 2.1 level A or AA rule."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

from staff.accounts import create_staff_user
from tests.frontend.browser.conftest import (
    DESKTOP,
    NARROW,
    book_by_api,
    screenshot,
)
from tests.frontend.conftest import EXPERT_PASSWORD

pytestmark = pytest.mark.browser

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SCREENSHOT_PAGES = {"catalogue", "service", "booking-form", "confirmation", "manage", "staff-login"}


def _pages(reference: str, token: str) -> dict[str, str]:
    booking = f"/bookings/{reference}"
    return {
        "catalogue": "/",
        "catalogue-search": "/?q=rahoitus",
        "service": "/services/funding-advice?week=2026-11-23",
        "booking-form": "/services/funding-advice/book?start=2026-11-24T09%3A00%3A00%2B02%3A00",
        "confirmation": f"{booking}/confirmation?token={token}",
        "manage": f"{booking}/manage?token={token}",
        "reschedule": f"{booking}/reschedule?token={token}",
        "accessibility": "/accessibility",
        "privacy": "/privacy",
        "not-found": "/services/no-such-service",
    }


# WCAG 1.4.10 (reflow), which axe does not test: at 320 px nothing reaches past the right edge,
# except inside a scrolling region of a data table or the time grid (the criterion's exception).
WIDER_THAN_VIEWPORT = """() => {
  const past = box => box.right > window.innerWidth + 0.5;
  const shown = el => !el.closest('.grid-wrap, .table-scroll, .visually-hidden, .skip-link');
  const found = [...document.querySelectorAll('body *')]
    .filter(el => shown(el) && past(el.getBoundingClientRect())).map(el => el.tagName);
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(texts.currentNode);
    if (shown(texts.currentNode.parentElement) && past(range.getBoundingClientRect()))
      found.push(texts.currentNode.textContent.trim().slice(0, 40));
  }
  return found;
}"""


async def _violations(page: Page) -> str:
    results = await Axe().run(page, options=WCAG_A_AA)
    report = results.generate_report() if results.violations_count else ""
    narrow = page.viewport_size and page.viewport_size["width"] <= NARROW["width"]
    if narrow and (too_wide := await page.evaluate(WIDER_THAN_VIEWPORT)):
        report += "\nWider than the screen (reflow): " + "; ".join(too_wide[:5])
    return report


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_every_page_passes_axe_wcag_a_and_aa(
    page: Page, live_server: str, advisor: int, language: str, width: str
):
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    booking = await book_by_api(live_server, "2026-11-25T10:00:00+02:00")
    reference, token = booking["reference"], booking["manage_token"]
    await page.goto(f"/?lang={language}")
    failures = {}
    for name, path in _pages(reference, token).items():
        await page.goto(path)
        if report := await _violations(page):
            failures[name] = report
        if language == "fi" and name in SCREENSHOT_PAGES:
            await screenshot(page, f"{name}-{width}")

    # The booking form as it comes back with errors.
    await page.goto(_pages(reference, token)["booking-form"])
    await page.locator("button[type=submit]").click()
    await page.wait_for_selector(".error-summary")
    if report := await _violations(page):
        failures["booking-form-errors"] = report
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


async def _sign_in(page: Page, email: str) -> None:
    await page.goto("/staff/login")
    await page.locator("#email").fill(email)
    await page.locator("#password").fill(EXPERT_PASSWORD)
    await page.locator("button[type=submit]").click()
    await page.wait_for_url(lambda url: "/staff/login" not in url)


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_every_staff_page_passes_axe_wcag_a_and_aa(
    page: Page, live_server: str, expert_login: str, language: str, width: str
):
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    booking = await book_by_api(live_server, "2026-11-24T10:00:00+02:00")
    await page.goto(f"/staff/login?lang={language}")
    failures = {}
    if report := await _violations(page):
        failures["login"] = report
    await page.locator("button[type=submit]").click()
    if report := await _violations(page):
        failures["login-failed"] = report

    await _sign_in(page, expert_login)
    await page.goto("/staff/absences")
    await page.locator("button.primary").click()  # nothing filled in: errors shown
    if report := await _violations(page):
        failures["absences-errors"] = report
    for name, path in {
        "calendar-week": "/staff/calendar?week=2026-11-23",
        "calendar-day": "/staff/calendar?day=2026-11-24",
        "booking": f"/staff/bookings/{booking['reference']}",
        "absences": "/staff/absences",
        "working-hours": "/staff/working-hours",
        "external-calendars": "/staff/external-calendars",
    }.items():
        await page.goto(path)
        if report := await _violations(page):
            failures[name] = report
        if language == "fi":
            await screenshot(page, f"staff-{name}-{width}")
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_administration_pages_pass_axe_wcag_a_and_aa(
    page: Page, advisor: int, language: str, width: str
):
    await create_staff_user(
        email="admin@example.fi", password=EXPERT_PASSWORD, name="Admin", roles=["admin"]
    )
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    await page.goto(f"/staff/login?lang={language}")
    await _sign_in(page, "admin@example.fi")
    failures = {}
    for name in ("agencies", "experts", "service-points", "services"):
        await page.goto(f"/staff/admin/{name}")
        if report := await _violations(page):
            failures[f"admin-{name}"] = report
        if language == "fi":
            await screenshot(page, f"admin-{name}-{width}")
    await page.locator("#slug").fill("Not A Slug")
    await page.locator("form[action='/staff/admin/services'] button[type=submit]").click()
    await page.wait_for_selector(".error-summary")
    if report := await _violations(page):
        failures["admin-services-errors"] = report
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
