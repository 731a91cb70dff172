"""Staff running the service from the pages, in Chromium: each role lands on its own page, an
admin edits and retires experts (moving a retiree's booking to a colleague and replacing them
in a joint session), edits and deactivates a key customer, and resets a password (the old
session ends), a clerk changes a joint session at the desk; every new page passes axe in
Finnish and Swedish at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from booking.tables import Booking, KeyCustomer
from calendars.tables import Agency
from testdata.factories import STAFF_PASSWORD, make_expert
from tests.frontend.browser.conftest import DESKTOP, book_by_api, screenshot
from tests.frontend.browser.test_accessibility import _violations
from tests.joint_world import booked_session, city_colleague_and_admin

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)
NARROW_SHOTS = ("admin-expert", "desk-session", "desk-times", "staff-week")


async def _sign_in(page: Page, email: str, language: str = "fi") -> None:
    await page.goto(f"/staff/login?lang={language}")
    await page.locator("#email").fill(email)
    await page.locator("#password").fill(STAFF_PASSWORD)
    await page.locator("button[type=submit]").click()
    await page.wait_for_url(lambda url: "/staff/login" not in url)


async def _city() -> int:
    city = await Agency.select(Agency.id).where(Agency.slug == "city-business").first()
    assert city is not None
    return int(city["id"])


@pytest.fixture
async def staff(world: dict[str, Any]) -> dict[str, Any]:
    """The joint-session world, plus a colleague of Aino's and an agency admin."""
    return world | {"eero": await city_colleague_and_admin(world)}


@pytest.mark.parametrize(
    ("email", "landing", "heading"),
    [
        ("aino@example.fi", "/staff/calendar", "Viikko"),
        ("clerk@example.fi", "/desk", "Asiointipisteen palvelutiski"),
        ("admin@example.fi", "/staff/overview", "Yleiskuva"),
        ("city-admin@example.fi", "/staff/overview", "Yleiskuva"),
    ],
)
async def test_each_role_lands_on_its_own_page(
    page: Page, staff: dict[str, Any], email: str, landing: str, heading: str
) -> None:
    await _sign_in(page, email)
    assert page.url.endswith(landing)
    await expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    await screenshot(page, f"landing-{landing.strip('/').replace('/', '-')}")


async def test_an_admin_opening_the_desk_sees_the_points_not_an_expired_form(
    page: Page, staff: dict[str, Any]
) -> None:
    await _sign_in(page, "admin@example.fi")
    await page.goto("/desk")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Asiointipisteen palvelutiski")
    await expect(page.get_by_role("heading", name="Kirjasto")).to_be_visible()
    assert "vanhentunut" not in (await page.content())


async def test_an_admin_edits_an_expert_and_retires_one_moving_a_booking_to_a_colleague(
    page: Page, live_server: str, staff: dict[str, Any]
) -> None:
    booking = await book_by_api(live_server, "2026-11-24T10:00:00+02:00")
    reference = await _joint_session(live_server)
    await _sign_in(page, "admin@example.fi")
    await page.goto("/staff/admin/experts")
    await page.get_by_role("link", name="Eero Koski").click()
    await page.get_by_label("Nimi", exact=True).fill("Eero Koskinen")
    await page.get_by_label("Esittely (ruotsi)").fill("Rådgivning om finansiering")
    await page.get_by_role("button", name="Tallenna muutokset").click()
    await expect(page.get_by_role("status")).to_have_text("Muutokset tallennettiin.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Eero Koskinen")

    await page.goto(f"/staff/admin/experts/{staff['aino']}")
    await page.get_by_role("button", name="Poista asiantuntija käytöstä").click()
    await expect(page.get_by_role("status")).to_contain_text("poistettiin käytöstä")
    coming = page.locator("#bookings table")
    await expect(coming).to_contain_text(booking["reference"])
    await page.get_by_label("Siirrä kollegalle").select_option(label="Eero Koskinen")
    await screenshot(page, "admin-expert-retired")
    await page.get_by_role("button", name="Siirrä valitut varaukset").click()
    await expect(page.get_by_role("status")).to_contain_text("Varauksia siirretty kollegalle: 1")
    await expect(page.locator("#bookings")).to_contain_text("Ei tulevia varauksia.")
    moved = (
        await Booking.select(Booking.expert)
        .where(Booking.reference == booking["reference"])
        .first()
    )
    assert moved == {"expert": staff["eero"]}

    sessions = page.locator("#joint-sessions table")
    await expect(sessions).to_contain_text(reference)
    await page.get_by_label(
        f"Kuka tulee henkilön Aino Virtanen tilalle ({reference})"
    ).select_option(label="Eero Koskinen")
    await page.get_by_role("button", name=f"Vaihda {reference}").click()
    await expect(page.get_by_role("status")).to_contain_text("Osallistuja vaihdettiin.")
    await expect(page.locator("#joint-sessions")).to_contain_text("Ei tulevia etäasiointeja.")


async def test_an_admin_resets_a_password_and_the_old_session_ends(
    browser: Browser, page: Page, live_server: str, staff: dict[str, Any]
) -> None:
    expert_context = await browser.new_context(base_url=live_server, viewport=DESKTOP)
    expert_page = await expert_context.new_page()
    await _sign_in(expert_page, "aino@example.fi")
    assert expert_page.url.endswith("/staff/calendar")

    await _sign_in(page, "admin@example.fi")
    await page.goto(f"/staff/admin/experts/{staff['aino']}")
    await page.get_by_label("Uusi salasana").fill("a fresh passphrase 2026")
    await page.get_by_role("button", name="Aseta uusi salasana").click()
    await expect(page.get_by_role("status")).to_contain_text("aiemmat istunnot päättyivät")

    await expert_page.goto("/staff/calendar")
    assert "/staff/login" in expert_page.url
    await expert_context.close()


async def _joint_session(live_server: str) -> str:
    """A joint session booked through the API as the clerk; its reference."""
    async with httpx.AsyncClient(base_url=live_server) as client:
        return str((await booked_session(client))["reference"])


async def test_a_clerk_reschedules_replaces_and_cancels_a_joint_session_at_the_desk(
    page: Page, live_server: str, staff: dict[str, Any]
) -> None:
    kela = await Agency.select(Agency.id).where(Agency.slug == "kela").first()
    assert kela is not None
    await make_expert(kela["id"], "Kaisa Kela")
    reference = await _joint_session(live_server)
    await _sign_in(page, "clerk@example.fi")
    await page.get_by_role("link", name=reference).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    people = page.locator("table").first
    for name in ("Aino Virtanen", "Kalle Kela", "Veera Vero", "Amira Tulkki"):
        await expect(people).to_contain_text(name)
    await screenshot(page, "desk-session")

    await page.get_by_label("Päivämäärä", exact=True).fill("2026-12-02")
    await page.get_by_label("Aika", exact=True).fill("11:00")
    await page.get_by_role("button", name="Siirrä etäasiointi").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Etäasiointi siirrettiin. Kaikki saivat uuden ajan."
    )
    await expect(page.locator("dl")).to_contain_text("11.00")

    await page.get_by_label("Kuka tulee henkilön Kalle Kela tilalle").select_option(
        label="Kaisa Kela"
    )
    await page.get_by_role("button", name="Vaihda Kalle Kela").click()
    await expect(page.get_by_role("status")).to_contain_text("Osallistuja vaihdettiin.")
    await expect(page.locator("table").first).to_contain_text("Kaisa Kela")

    await page.get_by_role("button", name="Peru etäasiointi").click()
    await expect(page.get_by_role("status")).to_contain_text("Etäasiointi peruttiin.")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Peruttu")


KEY_CUSTOMER_TEXTS = {
    "fi": ("Tallenna muutokset", "Muutokset tallennettiin.", "Poista avainasiakas käytöstä"),
    "sv": ("Spara ändringarna", "Ändringarna sparades.", "Gör nyckelkunden inaktiv"),
}


@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_an_agency_admin_edits_a_key_customer_and_makes_it_inactive(
    page: Page, staff: dict[str, Any], language: str
) -> None:
    key = KeyCustomer(
        agency=await _city(),
        business_id="2617416-4",
        company="Meikäläinen Oy",
        expert=staff["aino"],
    )
    await key.save()
    save, saved, deactivate = KEY_CUSTOMER_TEXTS[language]
    await _sign_in(page, "city-admin@example.fi", language)
    await page.goto("/staff/admin/key-customers")
    await page.locator(f"a[href='/staff/admin/key-customers/{key.id}']").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Meikäläinen Oy")
    assert not await _violations(page)
    await page.locator("#company").fill("Meikäläinen Group Oy")
    await page.locator("#expert_id").select_option(label="Eero Koski")
    await page.get_by_role("button", name=save).click()
    await expect(page.get_by_role("status")).to_have_text(saved)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Meikäläinen Group Oy")
    await page.locator("#business_id").fill("1234567-0")
    await page.get_by_role("button", name=save).click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.locator("#business_id")).to_have_attribute("aria-invalid", "true")
    assert not await _violations(page)
    await page.get_by_role("button", name=deactivate).click()
    await expect(page.locator("h1 .tag")).to_be_visible()
    assert not await _violations(page)
    if language == "fi":
        await screenshot(page, "admin-key-customer")
    [row] = await KeyCustomer.select(KeyCustomer.company, KeyCustomer.expert, KeyCustomer.active)
    assert row == {"company": "Meikäläinen Group Oy", "expert": staff["eero"], "active": False}


@pytest.mark.parametrize("width", ["1280", "390"])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_the_new_staff_pages_pass_axe(
    page: Page, live_server: str, staff: dict[str, Any], language: str, width: str
) -> None:
    await page.set_viewport_size(DESKTOP if width == "1280" else PHONE)
    reference = await _joint_session(live_server)
    await book_by_api(live_server, "2026-11-24T10:00:00+02:00")
    key = KeyCustomer(agency=(await _city()), business_id="2617416-4", expert=staff["eero"])
    await key.save()
    failures = {}
    pages = {
        "admin@example.fi": {
            "overview": "/staff/overview",
            "admin-desk": "/desk",
            "admin-experts": "/staff/admin/experts",
            "admin-expert": f"/staff/admin/experts/{staff['aino']}",
            "admin-agency": "/staff/admin/agencies/kela",
            "admin-services": "/staff/admin/services",
            "admin-service": "/staff/admin/services/funding-advice",
            "admin-service-point": "/staff/admin/service-points/kirjasto",
            "admin-key-customers": "/staff/admin/key-customers",
            "admin-key-customer": f"/staff/admin/key-customers/{key.id}",
        },
        "aino@example.fi": {
            "staff-week": "/staff/calendar?week=2026-11-23",
            "staff-working-hours": "/staff/working-hours",
            "staff-absences": "/staff/absences",
        },
        "clerk@example.fi": {
            "desk": "/desk",
            "desk-session": f"/desk/sessions/{reference}",
            "desk-times": "/desk/slots?agencies=city-business&agencies=kela&duration=60"
            "&start=2026-12-01&end=2026-12-04",
        },
    }
    for email, paths in pages.items():
        await page.context.clear_cookies()
        await _sign_in(page, email, language)
        for name, path in paths.items():
            await page.goto(path)
            if report := await _violations(page):
                failures[name] = report
            if language == "fi" and (width == "1280" or name in NARROW_SHOTS):
                await screenshot(page, f"{name}-{width}")
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


async def test_the_week_marks_today_shades_working_hours_and_hints_at_scrolling_when_narrow(
    page: Page, live_server: str, staff: dict[str, Any]
) -> None:
    await book_by_api(live_server, "2026-11-23T14:00:00+02:00")
    await page.set_viewport_size(PHONE)
    await _sign_in(page, "aino@example.fi")
    await page.goto("/staff/calendar?week=2026-11-23")
    await expect(page.locator("[aria-current=date]")).to_have_text("ma 23.11.")
    assert await page.locator(".column .working").count() == 5  # Monday to Friday
    event = page.locator(".column .event.booking").first
    title = await event.get_attribute("title")
    assert title is not None
    assert title.startswith("14.00–15.00")
    assert "Matti Meikäläinen" in title
    await expect(page.locator("#scroll-hint")).to_be_visible()
    await expect(page.get_by_role("table")).to_contain_text("Matti Meikäläinen")
    await page.set_viewport_size(DESKTOP)
    await expect(page.locator("#scroll-hint")).to_be_hidden()
