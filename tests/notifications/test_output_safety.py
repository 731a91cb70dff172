"""Customers' text stays text on every way out: one header in emails, one property value in
invitations and feeds, escaped in HTML. Through the real paths: booking API → outbox →
SMTP, and the expert's feed and pages."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import httpx
import icalendar

from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from testdata.factories import staff_headers
from tests.notifications.conftest import SmtpServer, book

HOSTILE_NAME = "Matti\r\nBcc: victim@example.org\r\nBEGIN:VEVENT\r\nSUMMARY:forged"
HOSTILE_MESSAGE = (
    "Hello\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged\r\nEND:VEVENT\r\n"
    '<script>alert("x")</script>; a,b\\c'
)
# Decodes to `Bcc: victim@example.org <victim@example.org>, ` if read as an encoded word.
FORGED_GROUP = b"Bcc: victim@example.org <victim@example.org>, "
ENCODED_WORD_NAME = "=?utf-8?b?" + base64.b64encode(FORGED_GROUP).decode() + "?="
HOSTILE_COMPANY = '<img src=x onerror=alert(1)> "Oy" & co'


def _calendars(message: EmailMessage) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(part.get_content())
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


async def test_hostile_customer_text_stays_one_value_in_mail_and_invitations(
    client: httpx.AsyncClient,
    advisor: int,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    await book(
        client,
        customer={
            "name": HOSTILE_NAME,
            "email": "matti@example.com",
            "company": HOSTILE_COMPANY,
        },
        message=HOSTILE_MESSAGE,
    )
    assert await send_due(delivery, clock.now()) >= 2
    assert smtp_server.received
    for message in smtp_server.received:
        assert "Bcc" not in message
        [to] = message["To"].addresses
        assert to.addr_spec != "victim@example.org"
        assert all("\n" not in str(value) for _, value in message.items())
        for part in message.walk():
            if part.get_content_type() == "text/html":
                html = part.get_content()
                assert "<script>" not in html
                assert "<img" not in html
        for calendar in _calendars(message):
            events = list(calendar.walk("VEVENT"))
            assert len(events) == 1
            assert "forged" not in str(events[0].get("SUMMARY"))
    # The envelope went to the customer and the staff, never to the name's "Bcc".
    for _, recipients in smtp_server.handler.envelopes:
        assert "victim@example.org" not in recipients


async def test_an_encoded_word_in_a_name_is_text_not_a_forged_address_group(
    client: httpx.AsyncClient,
    advisor: int,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    name = f"{ENCODED_WORD_NAME} Matti =?utf-8?q?Cc=3A_x=40example=2Eorg?="
    await book(client, customer={"name": name, "email": "matti@example.com"})
    assert await send_due(delivery, clock.now()) >= 2
    to_customer = [m for m in smtp_server.received if "matti@example.com" in str(m["To"])]
    assert to_customer
    for message in smtp_server.received:
        [to] = message["To"].addresses  # exactly one address, no group
        assert not message["To"].groups[0].display_name
        assert "victim" not in to.addr_spec
        assert "Bcc" not in message
    [shown] = to_customer[0]["To"].addresses
    assert shown.addr_spec == "matti@example.com"
    # The name reads as typed (an invisible word joiner keeps `=?` from starting a word;
    # Python's folding of long encoded text may add a space between its words).
    assert "".join(shown.display_name.replace("\u2060", "").split()) == "".join(name.split())
    for _, recipients in smtp_server.handler.envelopes:
        assert "victim@example.org" not in recipients
        assert "x@example.org" not in recipients


async def test_hostile_customer_text_stays_one_value_in_the_feed_and_escaped_on_pages(
    client: httpx.AsyncClient, advisor: int
):
    created, _ = await book(
        client,
        customer={"name": HOSTILE_NAME, "email": "matti@example.com", "company": HOSTILE_COMPANY},
        message=HOSTILE_MESSAGE,
    )
    staff = await staff_headers(client, "aino.virtanen@example.fi")
    url = (await client.get("/api/v1/staff/me/feed", headers=staff)).json()["url"]
    feed = await client.get(url.removeprefix("https://luukku.test"))
    assert feed.status_code == 200
    calendar = icalendar.Calendar.from_ical(feed.text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "forged" not in str(events[0].get("SUMMARY"))
    for line in feed.text.split("\r\n"):
        assert not line.startswith("BEGIN:VEVENT") or line == "BEGIN:VEVENT"
    assert feed.text.count("BEGIN:VEVENT") == 1

    page = await client.get(f"/staff/bookings/{created['reference']}", headers=staff)
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
