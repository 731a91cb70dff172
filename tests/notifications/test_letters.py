"""Letters (contact-request receipts and replies) through a real SMTP server: once each, in
the customer's language, answerable to the expert, and no customer text becomes a header or
markup."""

from __future__ import annotations

from email.message import EmailMessage

import httpx

from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from tests.notifications.conftest import SmtpServer
from tests.quality_world import Quality


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    assert body is not None
    return str(body.get_content())


async def test_receipt_and_reply_arrive_once_with_the_experts_reply_address(
    client: httpx.AsyncClient,
    quality: Quality,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    created = await client.post(
        "/api/v1/contact-requests",
        json={
            "topic": "funding",
            "question": "Miten haen <b>starttirahaa</b>?",
            "channel": "email",
            "language": "en",
            "customer": {"name": "Liisa Laine", "email": "liisa@example.com"},
        },
    )
    assert created.status_code == 201
    reference = created.json()["reference"]
    assert await send_due(delivery, clock.now()) == 1
    [receipt] = smtp_server.received
    assert receipt["Subject"] == f"We have received your contact request ({reference})"
    assert receipt["Content-Language"] == "en"
    assert "Thursday, 26 November 2026 10.00" in _part(receipt, "plain")
    # The question is shown as text, never as markup.
    assert "&lt;b&gt;starttirahaa&lt;/b&gt;" in _part(receipt, "html")

    await client.post(
        f"/api/v1/staff/contact-requests/{reference}/reply",
        json={"message": "Hakemus tehdään <script>alert(1)</script> verkossa."},
        headers=await quality.headers(client, "aino"),
    )
    assert await send_due(delivery, clock.now()) == 1
    assert await send_due(delivery, clock.now()) == 0
    reply = smtp_server.received[-1]
    assert reply["Reply-To"] == "aino@example.fi"
    assert reply["To"] == "Liisa Laine <liisa@example.com>"
    assert "<script>" not in _part(reply, "html")
    assert "Hakemus tehdään <script>alert(1)</script> verkossa." in _part(reply, "plain")


async def test_a_name_with_line_breaks_cannot_add_a_header(
    client: httpx.AsyncClient,
    quality: Quality,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    created = await client.post(
        "/api/v1/contact-requests",
        json={
            "topic": "funding",
            "question": "Kysymys",
            "channel": "email",
            "language": "fi",
            "customer": {"name": "Eve\r\nBcc: victim@example.com", "email": "eve@example.com"},
        },
    )
    # Refused as a name with control characters, or stored flattened: never a header.
    if created.status_code == 201:
        await send_due(delivery, clock.now())
        [message] = smtp_server.received
        assert message["Bcc"] is None
        assert smtp_server.handler.envelopes[0][1] == ["eve@example.com"]
    else:
        assert created.status_code == 422
        assert created.json()["errors"][0]["field"] == "customer.name"
