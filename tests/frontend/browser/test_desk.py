"""A service-point clerk books a joint remote session at the desk in a real browser, and the
desk pages pass axe (WCAG 2.0/2.1 A and AA) in Finnish and Swedish at desktop and 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from testdata.factories import STAFF_PASSWORD
from tests.frontend.browser.conftest import DESKTOP, NARROW, screenshot
from tests.frontend.browser.test_accessibility import _violations

pytestmark = pytest.mark.browser
SLOTS = (
    "/desk/slots?agencies=city-business&agencies=kela&agencies=vero"
    "&interpreter_language=ar&duration=60&start=2026-12-01&end=2026-12-01"
)


async def _sign_in_as_clerk(page: Page, language: str = "fi") -> None:
    await page.goto(f"/staff/login?lang={language}")
    await page.locator("input[name=email]").fill("clerk@example.fi")
    await page.locator("input[name=password]").fill(STAFF_PASSWORD)
    await page.locator("form button[type=submit]").click()


async def test_a_clerk_books_a_joint_session(page: Page, live_server: str, world: dict[str, Any]):
    await _sign_in_as_clerk(page)
    await page.get_by_role("link", name="Asiointipisteen palvelutiski").click()
    for agency in ("city-business", "kela", "vero"):
        await page.locator(f"input[name=agencies][value='{agency}']").check()
    await page.get_by_label("Tulkki").select_option("ar")
    await page.get_by_label("Ensimmäinen päivä").fill("2026-12-01")
    await page.get_by_label("Viimeinen päivä").fill("2026-12-01")
    await screenshot(page, "desk")
    await page.get_by_role("button", name="Etsi yhteiset ajat").click()

    times = page.get_by_role("group", name="Valitse aika")
    await expect(times).to_contain_text("Aino Virtanen, Kalle Kela, Veera Vero; tulkki Amira")
    await page.get_by_label("Nimi", exact=True).fill("Yusuf Ali")
    await page.get_by_label("Sähköposti", exact=True).fill("yusuf@example.com")
    await page.locator("textarea[name=matter]").fill("Starttiraha ja verokortti")
    await screenshot(page, "desk-times")
    await page.get_by_role("button", name="Varaa yhteinen etäasiointi").click()

    await expect(page.get_by_role("status")).to_contain_text("Yhteinen etäasiointi varattiin.")
    upcoming = page.get_by_role("table")
    await expect(upcoming).to_contain_text("Yusuf Ali")
    await expect(upcoming.get_by_role("link", name="Liity Yusuf Ali")).to_be_visible()


@pytest.mark.parametrize("width", ["desktop", "320px"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_the_desk_pages_pass_axe(
    page: Page, live_server: str, world: dict[str, Any], language: str, width: str
):
    await page.set_viewport_size(DESKTOP if width == "desktop" else NARROW)
    await _sign_in_as_clerk(page, language)
    failures = {}
    for name, path in {"desk": "/desk", "desk-times": SLOTS, "desk-errors": "/desk/slots"}.items():
        await page.goto(path)
        if report := await _violations(page):
            failures[name] = report
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
