"""Business services in copy, checked at a real SMTP server: every message to staff about a
company's booking or contact request reaches the agency's business-services mailbox (Cc, in
the agency's language, without the customer's manage link); a private person's never does."""

from __future__ import annotations

from email.message import EmailMessage

import httpx

from calendars.business_services import set_business_services_email
from calendars.tables import Agency
from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from testdata.factories import staff_headers
from tests.notifications.conftest import SmtpServer, book

Client = httpx.AsyncClient
MAILBOX = "yrityspalvelut@example.fi"
PRIVATE = {"name": "Liisa Yksityinen", "email": "liisa@example.com"}


def _staff_mail(server: SmtpServer, customer: str) -> list[tuple[EmailMessage, list[str]]]:
    """Messages (with their envelope recipients) not addressed to the customer."""
    return [
        (message, recipients)
        for message, (_, recipients) in zip(server.received, server.handler.envelopes, strict=True)
        if customer not in recipients
    ]


async def test_a_company_booking_copies_every_staff_message_in_the_agency_language(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    await Agency.update({Agency.language: "sv"}).where(Agency.id > 0)
    created, auth = await book(client, "2026-11-25T10:00:00+02:00")
    await client.post(f"/api/v1/bookings/{created['reference']}/cancel", json={}, headers=auth)
    await send_due(delivery, clock.now())
    staff = _staff_mail(smtp_server, "matti@example.com")
    assert len(staff) == 2  # the new-booking notice and the cancellation
    for message, recipients in staff:
        assert message["Cc"] == MAILBOX
        assert MAILBOX in recipients
        assert message["Content-Language"] == "sv"
        assert created["manage_token"] not in message.as_string()


async def test_a_private_persons_booking_never_reaches_business_services(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    created, auth = await book(client, "2026-11-25T10:00:00+02:00", customer=PRIVATE)
    await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-11-26T10:00:00+02:00"},
        headers=auth,
    )
    await send_due(delivery, clock.now())
    assert len(smtp_server.received) == 4
    for message, (_, recipients) in zip(
        smtp_server.received, smtp_server.handler.envelopes, strict=True
    ):
        assert message["Cc"] is None
        assert MAILBOX not in recipients


async def _claimed_request(client: Client, customer: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/contact-requests",
        json={
            "topic": "funding",
            "question": "Voiko starttirahaa hakea jälkikäteen?",
            "channel": "email",
            "language": "fi",
            "customer": customer,
        },
    )
    assert response.status_code == 201, response.text
    aino = await staff_headers(client, "aino.virtanen@example.fi")
    claimed = await client.post(
        f"/api/v1/staff/contact-requests/{response.json()['reference']}/claim", headers=aino
    )
    assert claimed.status_code == 200, claimed.text


async def test_a_company_contact_request_copies_the_staff_notice_and_a_private_one_does_not(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    company = {**PRIVATE, "company": "Yksityinen Oy", "business_id": "2617416-4"}
    await _claimed_request(client, company)
    await _claimed_request(client, PRIVATE)
    await send_due(delivery, clock.now())
    notices = _staff_mail(smtp_server, PRIVATE["email"])
    assert len(notices) == 2
    copied, plain = notices
    assert (copied[0]["Cc"], MAILBOX in copied[1]) == (MAILBOX, True)
    assert (plain[0]["Cc"], MAILBOX in plain[1]) == (None, False)


async def test_the_mailbox_is_set_and_cleared_through_the_use_case(advisor: int):
    assert await set_business_services_email("city-business", " Yritys@Example.FI ") == (
        "Yritys@example.fi"
    )
    assert await set_business_services_email("city-business", "") is None
