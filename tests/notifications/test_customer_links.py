"""Links in what the customer receives: every message about a booking carries a working manage
link; no URL in any message or page names the customer, plainly or base64-encoded."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import httpx

from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from testdata.factories import staff_headers
from tests.notifications.conftest import SmtpServer, book

Client = httpx.AsyncClient
BOOKED = "2026-11-25T10:00:00+02:00"  # 2 days after the test clock's now
_URL = re.compile(r"""(?:https?://|/)[^\s"'<>]+""")
_MANAGE = re.compile(r"https://luukku\.test/bookings/(LK-[\w-]+)/manage\?token=[\w-]+")


def _parts(message: EmailMessage) -> list[str]:
    """Every text of the message: plain, HTML and the calendar object."""
    return [
        str(part.get_content())
        for part in message.walk()
        if part.get_content_maintype() == "text" and not part.is_multipart()
    ]


def _customer_mail(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    return [m for m in smtp_server.received if m["To"].addresses[0].addr_spec == address]


async def test_every_customer_message_about_a_booking_has_a_working_manage_link(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    kept, kept_manage = await book(client, BOOKED, language="en")
    await client.post(
        f"/api/v1/bookings/{kept['reference']}/reschedule",
        json={"start": "2026-11-25T13:00:00+02:00"},
        headers=kept_manage,
    )
    dropped, dropped_manage = await book(client, "2026-11-26T10:00:00+02:00", language="en")
    await client.post(
        f"/api/v1/bookings/{dropped['reference']}/cancel", json={}, headers=dropped_manage
    )
    await send_due(delivery, clock.now())
    start = clock.now() + timedelta(days=2, hours=3)
    for offset in (timedelta(hours=-24), timedelta(hours=-2), timedelta(hours=2)):
        clock.current = start + offset
        await send_due(delivery, clock.now())
    marked = await client.post(
        f"/api/v1/staff/bookings/{kept['reference']}/outcome",
        json={"outcome": "completed"},
        headers=await staff_headers(client, "aino.virtanen@example.fi"),
    )
    assert marked.status_code == 200, marked.text
    await send_due(delivery, clock.now())

    mail = _customer_mail(smtp_server, "matti@example.com")
    kinds = {message["Subject"].split(":")[0].split("?")[0] for message in mail}
    assert kinds == {
        "Booking confirmed",
        "Booking changed",
        "Booking cancelled",
        "Reminder",
        "How did we do",
    }
    for message in mail:
        plain, html = _parts(message)[:2]
        link = _MANAGE.search(plain)
        assert link, f"no manage link in {message['Subject']!r}"
        assert link[0].replace("&", "&amp;") in html
        page = await client.get(link[0].removeprefix("https://luukku.test"))
        assert page.status_code == 200, message["Subject"]
        assert link[1] in page.text
    # The experts' messages carry no customer's manage link.
    expert_mail = _customer_mail(smtp_server, "aino.virtanen@example.fi")
    assert expert_mail
    assert not any(_MANAGE.search(part) for m in expert_mail for part in _parts(m))


def _revealing(url: str, secrets: list[str]) -> str | None:
    """The secret `url` shows, plainly, percent-encoded or inside a base64 run."""
    readable = [unquote(url).casefold()]
    for run in re.findall(r"[A-Za-z0-9_+/=-]{8,}", url):
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                raw = decode(run + "=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            readable.append(raw.decode("utf-8", "ignore").casefold())
    return next((s for s in secrets for text in readable if s.casefold() in text), None)


async def test_no_url_in_any_message_or_page_names_the_customer(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    customer = {
        "name": "Zacharias Ödmark",
        "email": "zacharias.odmark@example.com",
        "phone": "040 765 4321",
    }
    created, manage = await book(client, BOOKED, customer=customer, channel="video")
    token = manage["Authorization"].removeprefix("Bearer ")
    asked = await client.post(
        "/api/v1/contact-requests",
        json={
            "topic": "funding",
            "question": "Voiko starttirahaa hakea jälkikäteen?",
            "channel": "email",
            "language": "fi",
            "customer": customer,
        },
    )
    assert asked.status_code == 201, asked.text
    await client.post("/api/v1/data-requests", json={"email": customer["email"], "language": "fi"})
    await send_due(delivery, clock.now())
    mail = _customer_mail(smtp_server, customer["email"])
    assert len(mail) == 3, [m["Subject"] for m in mail]  # confirmation, receipt, data link

    urls = [url for message in mail for part in _parts(message) for url in _URL.findall(part)]
    data_link = next(url for url in urls if "/my-data?token=" in url)
    booking = f"/bookings/{created['reference']}"
    for path in (
        f"{booking}/confirmation?token={token}",
        f"{booking}/manage?token={token}",
        f"{booking}/cancel?token={token}",
        f"{booking}/reschedule?token={token}",
        urlsplit(data_link).path + "?" + urlsplit(data_link).query,
        f"/my-data/erase?{urlsplit(data_link).query}",
    ):
        page = await client.get(path)
        assert page.status_code == 200, path
        urls += [path, *re.findall(r'(?:href|src|action)="([^"]+)"', page.text)]
    assert any("/join/" in url for url in urls)
    assert any("/contact/status/" in url for url in urls)
    # mailto: in an invitation's ATTENDEE is the address it is sent to, not a link.
    secrets = [customer["email"], "zacharias", "odmark", "Ödmark", "0407654321", "765 4321"]
    shown = {url: _revealing(url, secrets) for url in urls if not url.startswith("mailto:")}
    assert not {url: secret for url, secret in shown.items() if secret}
    assert all(len(url) < 120 for url in urls if "/join/" in url)
