"""Staff sign in through the city's identity provider in Chromium: the real provider's login
page (oidc-provider, tests/oidc/), the expert's calendar, the admin role from a group, and a
sign-out that ends both sessions. The pages on the way stay axe-clean."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from staff.accounts import create_staff_user
from tests.frontend.browser.conftest import DESKTOP, screenshot
from tests.oidc_provider import password_of

pytestmark = pytest.mark.browser

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
async def tab(browser: Browser, oidc_live_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=oidc_live_server, viewport=DESKTOP)
    context.set_default_timeout(20_000)
    page = await context.new_page()
    yield page
    await context.close()


async def assert_axe_clean(page: Page) -> None:
    results = await Axe().run(page, options=WCAG_A_AA)
    assert results.violations_count == 0, results.generate_report()


async def sign_in_at_provider(page: Page, login: str) -> None:
    await page.get_by_role("button", name="Sign in with Testala ID").click()
    await expect(page.get_by_role("heading", name="City of Testala sign-in")).to_be_visible()
    await page.get_by_label("Username").fill(login)
    await page.get_by_label("Password").fill(password_of(login))
    await page.get_by_role("button", name="Sign in to the city").click()


async def test_an_expert_signs_in_at_the_provider_and_signing_out_ends_both_sessions(
    tab: Page, expert_login: str
) -> None:
    await tab.goto("/staff/calendar?lang=en")
    await expect(tab.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    await assert_axe_clean(tab)
    await screenshot(tab, "staff-login-oidc")

    await sign_in_at_provider(tab, "aino")

    await expect(tab).to_have_url(re.compile(r"/staff/calendar"))
    await expect(tab.get_by_role("region", name="Time grid")).to_be_visible()
    await expect(tab.locator(".staff-nav")).to_contain_text("Aino Virtanen")

    await tab.get_by_role("button", name="Sign out").click()
    await tab.get_by_role("button", name="Yes, sign me out").click()
    await expect(tab.get_by_role("status")).to_contain_text("You have signed out.")
    await tab.goto("/staff/calendar")
    await expect(tab.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    await tab.get_by_role("button", name="Sign in with Testala ID").click()
    await expect(tab.get_by_label("Username")).to_be_visible()  # the provider asks again


async def test_an_admins_group_at_the_provider_gives_the_admin_role(
    tab: Page, expert_login: str
) -> None:
    await create_staff_user(
        email="ilkka.admin@example.fi",
        password="an-admin-password-2026",
        name="Ilkka Ylläpitäjä",
        roles=["agency_admin"],
    )
    await tab.goto("/staff/login?lang=en")

    await sign_in_at_provider(tab, "ilkka")

    staff_nav = tab.get_by_role("navigation", name="Staff")
    await expect(staff_nav.get_by_role("link", name="Audit log")).to_be_visible()
    # The API takes bearer tokens only: send the session cookie's token as one.
    [session] = [c for c in await tab.context.cookies() if c["name"] == "luukku_session"]
    token = session["value"].strip('"')
    bearer = token if token.startswith("Bearer ") else f"Bearer {token}"
    me = await tab.request.get("/api/v1/staff/me", headers={"Authorization": bearer})
    assert (await me.json())["roles"] == ["agency_admin", "admin"]


async def test_an_unknown_person_sees_a_clear_page(tab: Page, expert_login: str) -> None:
    await tab.goto("/staff/login?lang=en")

    await sign_in_at_provider(tab, "stranger")

    await expect(tab.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    await expect(tab.get_by_role("alert")).to_contain_text("Luukku has no staff account for you")
    await assert_axe_clean(tab)
    await screenshot(tab, "staff-sign-in-refused")
