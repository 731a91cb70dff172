"""/schema renders in Chromium with every request off Luukku's own address cut off: Redoc's
bundle and fonts come from Luukku itself, and its Content-Security-Policy names no CDN."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from tests.frontend.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


async def test_the_api_documentation_renders_with_the_network_blocked(
    page: Page, live_server: str
) -> None:
    elsewhere: list[str] = []

    async def only_luukku(route: Route) -> None:
        if route.request.url.startswith(live_server):
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    await page.route("**/*", only_luukku)
    blocked_by_policy: list[str] = []
    page.on(
        "console",
        lambda m: blocked_by_policy.append(m.text) if "Content Security" in m.text else None,
    )
    await page.goto("/schema")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Luukku", timeout=20_000)
    await expect(page.get_by_text("/api/v1/bookings").first).to_be_attached()
    fonts = await page.evaluate("document.fonts.check('16px Montserrat')")
    assert fonts
    assert elsewhere == []
    # Only Redocly's "powered by" logo is refused (an image from its CDN, which Redoc leaves
    # out when it cannot load); no script, style sheet or font is.
    assert [m for m in blocked_by_policy if "Loading the image" not in m] == []
    # The first screen only: the whole documentation is too tall for one picture.
    await page.screenshot(path=SCREENSHOTS / "schema-offline.png")


async def test_the_schema_page_policy_names_no_other_site(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as client:
        response = await client.get("/schema")
    policy = response.headers["content-security-policy"]
    assert "https://" not in policy
    assert "/static/redoc/redoc.standalone.js" in response.text
