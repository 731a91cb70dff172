"""Joining the waitlist: bad input answers problem details naming the field; the customer gets
the confirmation and, later, the offer by real SMTP, with times written `10.00`."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from booking.waitlist.offering import make_offers
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.delivery import Delivery, send_due
from tests.booking.waitlist.conftest import bearer, join, join_body
from tests.notifications.conftest import (  # noqa: F401 (fixtures)
    SmtpServer,
    delivery,
    smtp_server,
)


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"latest": "2026-11-01"}, "latest", 422),
        ({"earliest": "2026-11-28", "latest": "2026-11-25"}, "latest", 422),
        ({"latest": "2027-06-01"}, "latest", 422),
        ({"latest": "not a date"}, "latest", 400),
        ({"channel": "telepathy"}, "channel", 422),
        ({"expert_id": 999}, "expert_id", 404),
        ({"customer": {"name": "X", "email": "not-an-address"}}, "customer.email", 422),
        ({"booking_reference": "LK-0000-0000"}, "booking_reference", 404),
        ({"colour": "red"}, "colour", 400),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(
    client: httpx.AsyncClient,
    full_week: dict[str, Any],
    overrides: dict[str, object],
    field: str,
    status: int,
):
    response = await client.post(
        "/api/v1/waitlist", json=join_body("Eka", "eka@example.com", **overrides)
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    named = [error["field"] for error in problem.get("errors", [])] + [problem["detail"]]
    assert any(field in text for text in named), problem


async def test_an_unknown_reference_or_token_is_404_and_no_token_is_401(
    client: httpx.AsyncClient, full_week: dict[str, Any]
):
    joined = await join(client, "Eka", "eka@example.com")
    url = f"/api/v1/waitlist/{joined['reference']}"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=bearer("x" * 43))).status_code == 404
    assert (
        await client.get("/api/v1/waitlist/WL-AAAA-AAAA", headers=bearer(joined["token"]))
    ).status_code == 404
    assert len(joined["token"]) >= 40


async def test_the_customer_is_told_by_email_in_their_language_with_finnish_times(
    client: httpx.AsyncClient,
    clock: FixedClock,
    settings: Settings,
    delivery: Delivery,  # noqa: F811 (the fixture, imported)
    smtp_server: SmtpServer,  # noqa: F811 (the fixture, imported)
    full_week: dict[str, Any],
):
    joined = await join(
        client,
        "Sara Svensson",
        "sara@example.com",
        language="sv",
        customer={"name": "Sara Svensson", "email": "sara@example.com", "language": "sv"},
    )
    await client.post(
        f"/api/v1/bookings/{full_week['reference']}/cancel",
        headers=bearer(full_week["manage_token"]),
    )
    assert await make_offers(settings, clock.now()) == 1
    await send_due(delivery, clock.now())
    letters = {
        m["Subject"]: m
        for m in smtp_server.received
        if m["To"].addresses[0].addr_spec == "sara@example.com"
    }
    joined_mail = next(m for s, m in letters.items() if s.startswith("Du står i kö"))
    joined_text = plain(joined_mail)
    assert f"/waitlist/{joined['reference']}?token={joined['token']}" in joined_text
    offer_mail = next(m for s, m in letters.items() if s.startswith("En ledig tid"))
    assert "24.11.2026 10.00" in offer_mail["Subject"]
    offer_text = plain(offer_mail)
    assert "till kl. 11.00" in offer_text  # kept for 60 minutes from 10.00 Helsinki time
    assert "/waitlist/offers/" in offer_text
    assert "fernet:" not in offer_text


async def test_the_customers_data_request_exports_and_erases_their_waitlist_entry(
    client: httpx.AsyncClient, full_week: dict[str, Any], settings: Settings
):
    from app import retention_registry
    from booking.waitlist.tables import WaitlistEntry

    joined = await join(client, "Ville Virta", "Ville.Virta@example.com")
    retention = retention_registry(settings)
    [entry] = (await retention.export("ville.virta@example.com"))["waitlist_entries"]
    assert (entry["reference"], entry["customer_name"]) == (joined["reference"], "Ville Virta")
    assert (await retention.erase("ville.virta@example.com"))["waitlist_entries"] == 1
    [row] = await WaitlistEntry.select()
    assert (row["customer_name"], row["customer_email"]) == ("", "")
    assert row["reference"] == joined["reference"]
