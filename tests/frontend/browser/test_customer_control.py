"""A customer stays in control from their mail alone: the confirmation's manage link cancels
and reschedules through confirmation steps; a time taken meanwhile offers the nearest free
times; /my-data reads well on a phone and erases only after confirming. axe checks every new
or changed page in Finnish and Swedish at 1280 and 390 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Page, ViewportSize, expect

from booking.tables import Booking
from luukku.sealing import Sealer
from luukku.settings import Settings
from notifications.delivery import Delivery, RetryPolicy, send_due
from notifications.messages import Sender
from notifications.smtp import SmtpConfig, SmtpMailer
from privacy.data_requests import LINK_SEAL
from tests.conftest import NOW
from tests.frontend.browser.conftest import DESKTOP, book_by_api, screenshot
from tests.frontend.browser.test_accessibility import _violations
from tests.frontend.live_server import SECRET_KEY
from tests.notifications.conftest import SmtpServer

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=390, height=844)
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def delivery(smtp_server: SmtpServer) -> Delivery:
    return Delivery(
        mailers=(SmtpMailer(SmtpConfig(host="127.0.0.1", port=smtp_server.port)),),
        sender=Sender.from_mail_from("Luukku <luukku@luukku.test>", "https://luukku.test"),
        retry=RetryPolicy(jitter=lambda: 1.0),
        # The live server's secret (tests/frontend/live_server.py): it sealed the data links.
        links=Sealer.from_settings(LINK_SEAL, Settings(secret_key=SECRET_KEY, demo_mode=False)),
    )


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _manage_link(message: EmailMessage) -> str:
    """The path of the manage link the message carries (the live server's own address)."""
    found = re.search(r"https?://\S+/bookings/LK-[\w-]+/manage\?token=[\w-]+", _plain(message))
    assert found, f"no manage link in {message['Subject']!r}"
    parts = urlsplit(found[0])
    return f"{parts.path}?{parts.query}"


async def _mail_to(delivery: Delivery, smtp: SmtpServer, address: str) -> EmailMessage:
    await send_due(delivery, NOW)
    mine = [m for m in smtp.received if m["To"].addresses[0].addr_spec == address]
    assert mine, f"no mail to {address}"
    return mine[-1]


async def test_cancelling_from_the_confirmation_email_asks_first(
    page: Page, live_server: str, advisor: int, delivery: Delivery, smtp_server: SmtpServer
):
    await book_by_api(live_server, "2026-11-25T10:00:00+02:00")
    confirmation = await _mail_to(delivery, smtp_server, "matti@example.com")
    await page.goto(_manage_link(confirmation) + "&lang=fi")
    await page.get_by_role("link", name="Peru varaus", exact=True).click()

    await expect(page.get_by_role("heading", name="Perutaanko varaus?")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("keskiviikko 25. marraskuuta 2026 10.00")
    await screenshot(page, "cancel-confirm-fi")
    assert await Booking.select(Booking.status).first() == {"status": "confirmed"}
    await page.get_by_role("link", name="Ei, pidä varaus").click()
    await expect(page.get_by_role("heading", name="Varauksesi")).to_be_visible()
    assert await Booking.select(Booking.status).first() == {"status": "confirmed"}

    await page.get_by_role("link", name="Peru varaus", exact=True).click()
    await page.get_by_role("button", name="Kyllä, peru varaus").click()
    await expect(page.get_by_role("status")).to_contain_text("peruttu")
    assert await Booking.select(Booking.status).first() == {"status": "cancelled"}

    cancellation = await _mail_to(delivery, smtp_server, "matti@example.com")
    assert cancellation["Subject"].startswith("Ajanvaraus peruttu")
    assert "/join/" in _plain(cancellation)  # the meeting link stays, marked no longer in use
    await page.goto(_manage_link(cancellation))
    await expect(page.get_by_role("link", name="Varaa uusi aika")).to_be_visible()


async def test_rescheduling_from_the_confirmation_email_shows_old_and_new(
    page: Page, live_server: str, advisor: int, delivery: Delivery, smtp_server: SmtpServer
):
    await book_by_api(live_server, "2026-11-25T10:00:00+02:00")
    confirmation = await _mail_to(delivery, smtp_server, "matti@example.com")
    await page.goto(_manage_link(confirmation) + "&lang=sv")
    await page.get_by_role("link", name="Välj en ny tid").click()
    await page.locator(".day").nth(3).locator("a.slot").first.click()  # Thursday

    await expect(page.get_by_role("heading", name="Bekräfta den nya tiden")).to_be_visible()
    main = page.locator("main")
    await expect(main).to_contain_text("onsdag 25 november 2026 10.00")
    await expect(main).to_contain_text("torsdag 26 november 2026 9.00")
    await expect(main).to_contain_text("din enda ändring på webben")
    await screenshot(page, "reschedule-confirm-sv")
    assert await Booking.select(Booking.reschedule_count).first() == {"reschedule_count": 0}

    await page.get_by_role("button", name="Flytta bokningen till den nya tiden").click()
    await expect(page.get_by_role("status")).to_contain_text("den nya tiden")
    await expect(main).to_contain_text("torsdag 26 november 2026 9.00")
    moved = await _mail_to(delivery, smtp_server, "matti@example.com")
    assert "26.11.2026 9.00" in moved["Subject"]
    await page.goto(_manage_link(moved))
    await expect(page.locator("main")).to_contain_text("LK-")


async def test_a_time_taken_meanwhile_offers_the_three_nearest(
    page: Page, live_server: str, advisor: int
):
    form = "/services/funding-advice/book?start=2026-11-24T10%3A00%3A00%2B02%3A00&channel=video"
    await page.goto(form + "&lang=fi")
    await page.get_by_label("Nimi").fill("Tiina Yrittäjä")
    await page.get_by_label("Sähköposti").fill("tiina@example.com")
    await page.get_by_label("Olen lukenut tietosuojaselosteen.").check()
    await book_by_api(live_server, "2026-11-24T10:00:00+02:00")  # someone else was quicker
    await page.get_by_role("button", name="Vahvista varaus").click()

    choices = page.get_by_role("radio")
    await expect(choices).to_have_count(3)
    await expect(page.get_by_role("group", name=re.compile("Lähimmät vapaat ajat"))).to_be_visible()
    await expect(page.get_by_label("Nimi")).to_have_value("Tiina Yrittäjä")
    await screenshot(page, "booking-form-taken-fi")
    await page.get_by_role("button", name="Vahvista varaus").click()
    await expect(page.get_by_role("heading", name="Aikasi on varattu")).to_be_visible()
    assert await Booking.count() == 2


async def _data_link(live_server: str, delivery: Delivery, smtp: SmtpServer) -> str:
    async with httpx.AsyncClient(base_url=live_server) as client:
        asked = await client.post(
            "/api/v1/data-requests", json={"email": "matti@example.com", "language": "fi"}
        )
        assert asked.status_code == 202
    message = await _mail_to(delivery, smtp, "matti@example.com")
    assert _plain(message).startswith("Hei,\r\n")  # no name known: never "Hei ,"
    found = re.search(r"https?://\S+/my-data\?token=[\w-]+&lang=fi", _plain(message))
    assert found
    parts = urlsplit(found[0])
    return f"{parts.path}?{parts.query}"


async def test_my_data_reads_on_a_phone_and_erases_only_after_confirming(
    page: Page, live_server: str, advisor: int, delivery: Delivery, smtp_server: SmtpServer
):
    await book_by_api(live_server, "2026-11-25T10:00:00+02:00")
    await send_due(delivery, NOW)
    link = await _data_link(live_server, delivery, smtp_server)
    await page.set_viewport_size(PHONE)
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Varauksia (1)")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("Matti Meikäläinen")
    assert await page.evaluate(NO_SIDEWAYS_SCROLL)
    await screenshot(page, "my-data-390px-fi")
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Lataa kaikki tiedostona (JSON)").click()
    assert (await download.value).suggested_filename == "luukku-my-data.json"

    await page.get_by_role("link", name="Poista tietoni").click()
    await expect(page.get_by_role("heading", name="Poistetaanko tietosi?")).to_be_visible()
    assert await page.evaluate(NO_SIDEWAYS_SCROLL)
    await screenshot(page, "my-data-erase-390px-fi")
    assert await Booking.select(Booking.customer_name).first() == {
        "customer_name": "Matti Meikäläinen"
    }
    await page.get_by_role("button", name="Kyllä, poista tietoni").click()
    await expect(page.get_by_role("status")).to_contain_text("poistettiin")
    assert await Booking.select(Booking.customer_name).first() == {"customer_name": ""}


def _customer_pages(reference: str, token: str) -> dict[str, str]:
    booking = f"/bookings/{reference}"
    return {
        "catalogue": "/",
        "service": "/services/funding-advice?week=2026-11-23",
        "booking-form": "/services/funding-advice/book?start=2026-11-24T09%3A00%3A00%2B02%3A00",
        "booking-form-phone": (
            "/services/funding-advice/book?start=2026-11-24T09%3A00%3A00%2B02%3A00&channel=phone"
        ),
        "confirmation": f"{booking}/confirmation?token={token}",
        "manage": f"{booking}/manage?token={token}",
        "cancel-confirm": f"{booking}/cancel?token={token}",
        "reschedule": f"{booking}/reschedule?token={token}",
        "reschedule-taken": (
            f"{booking}/reschedule?token={token}&error=taken&wanted=2026-11-24T09%3A00%3A00%2B02%3A00"
        ),
        "reschedule-confirm": (
            f"{booking}/reschedule/confirm?token={token}&start=2026-11-26T09%3A00%3A00%2B02%3A00"
        ),
        "contact": "/contact",
        "my-data-ask": "/my-data",
    }


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["fi", "sv"])
async def test_new_and_changed_customer_pages_pass_axe(
    page: Page,
    live_server: str,
    advisor: int,
    delivery: Delivery,
    smtp_server: SmtpServer,
    language: str,
    width: int,
):
    await page.set_viewport_size(DESKTOP if width == 1280 else PHONE)
    booking = await book_by_api(live_server, "2026-11-25T10:00:00+02:00")
    await send_due(delivery, NOW)
    pages = _customer_pages(booking["reference"], booking["manage_token"])
    link = await _data_link(live_server, delivery, smtp_server)
    token = link.split("token=")[1].split("&")[0]
    pages |= {"my-data": link, "my-data-erase": f"/my-data/erase?token={token}"}
    await page.goto(f"/?lang={language}")
    failures = {}
    for name, path in pages.items():
        await page.goto(path)
        report = await _violations(page)
        if not await page.evaluate(NO_SIDEWAYS_SCROLL):
            report += "\nscrolls sideways"
        if report:
            failures[name] = report
        if language == "fi":
            await screenshot(page, f"{name}-{width}px-fi")
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
