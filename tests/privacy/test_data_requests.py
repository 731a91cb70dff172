"""A customer sees and erases their own data through an emailed one-time link."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from booking.tables import Booking
from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from notifications.tables import OutboxMessage
from security.tables import AuditEntry, DataRequest
from testdata.factories import booking_body, make_agency, make_expert, make_service
from tests.notifications.conftest import SmtpServer


@pytest.fixture
async def booked(client: httpx.AsyncClient, db: None) -> str:
    agency = await make_agency()
    await make_expert(agency)
    await make_service(agency)
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T09:00:00+02:00"))
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


async def _link_token(delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock) -> str:
    await send_due(delivery, clock.now())
    links = []
    for mail in smtp_server.received:
        body = mail.get_body(preferencelist=("plain",))
        assert body is not None
        if match := re.search(r"https://luukku\.test/my-data\?token=([\w-]+)", body.get_content()):
            assert str(mail["To"]).lower() == "matti@example.com"
            links.append(match[1])
    [token] = links
    return token


async def test_the_link_shows_the_export_and_erasure_spends_it(
    client: httpx.AsyncClient,
    booked: str,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    asked = await client.post(
        "/api/v1/data-requests", json={"email": "Matti@example.com", "language": "en"}
    )
    assert asked.status_code == 202
    token = await _link_token(delivery, smtp_server, clock)
    assert await DataRequest.count().where(DataRequest.token_hash.like(f"%{token}%")) == 0
    auth = {"Authorization": f"Bearer {token}"}

    export = await client.get("/api/v1/data-requests/export", headers=auth)
    assert export.status_code == 200, export.text
    [booking] = export.json()["data"]["bookings"]
    assert booking["reference"] == booked
    assert booking["customer_name"] == "Matti Meikäläinen"
    assert booking["customer_phone"] == "+358401234567"
    assert booking["message"] == "Haen starttirahaa."

    page = await client.get("/my-data", params={"token": token})
    assert page.status_code == 200
    assert booked in page.text

    erased = await client.post("/api/v1/data-requests/erase", headers=auth)
    assert erased.status_code == 200
    assert erased.json()["anonymised"]["bookings"] == 1
    row = await Booking.select().where(Booking.reference == booked).first()
    assert row is not None
    assert (row["customer_name"], row["customer_email"], row["message"]) == ("", "", "")
    assert row["status"] == "confirmed"
    # Spent: neither the export nor a second erasure opens with it.
    assert (await client.get("/api/v1/data-requests/export", headers=auth)).status_code == 404
    assert (await client.post("/api/v1/data-requests/erase", headers=auth)).status_code == 404
    actions = [e["action"] for e in await AuditEntry.select().order_by(AuditEntry.id)]
    assert actions == ["export", "export", "erase"]


async def test_the_link_expires_after_a_day(
    client: httpx.AsyncClient,
    booked: str,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    await client.post("/api/v1/data-requests", json={"email": "matti@example.com"})
    token = await _link_token(delivery, smtp_server, clock)
    clock.current += timedelta(hours=24)
    auth = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/data-requests/export", headers=auth)).status_code == 404


async def test_an_address_without_data_gets_the_same_answer_and_no_mail(
    client: httpx.AsyncClient, booked: str
):
    asked = await client.post("/api/v1/data-requests", json={"email": "nobody@example.com"})
    assert asked.status_code == 202
    assert await OutboxMessage.count().where(OutboxMessage.kind == "data_request") == 0
    assert await DataRequest.count() == 0


EXPERT = "aino.virtanen@example.fi"


async def _book_as(client: httpx.AsyncClient, start: str, name: str, email: str) -> str:
    body = booking_body(start, customer={"name": name, "email": email})
    response = await client.post("/api/v1/bookings", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


async def test_an_experts_export_and_erasure_hold_only_data_about_her(
    client: httpx.AsyncClient,
    booked: str,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    # Aino receives a notice of every customer's booking; once she books as a customer too.
    other = await _book_as(client, "2026-11-24T11:00:00+02:00", "Liisa Laine", "liisa@example.com")
    own = await _book_as(client, "2026-11-25T10:00:00+02:00", "Aino Virtanen", EXPERT.upper())
    assert await OutboxMessage.count().where(OutboxMessage.recipient == EXPERT) >= 3
    await send_due(delivery, clock.now())
    smtp_server.received.clear()
    await client.post("/api/v1/data-requests", json={"email": EXPERT, "language": "en"})
    await send_due(delivery, clock.now())
    [mail] = smtp_server.received
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"/my-data\?token=([\w-]+)", body.get_content())
    assert match
    token = match[1]
    # Only the hash is kept: no outbox payload holds the working link.
    payloads = [row["payload"] for row in await OutboxMessage.select(OutboxMessage.payload)]
    assert not [p for p in payloads if token in p]
    auth = {"Authorization": f"Bearer {token}"}

    export = await client.get("/api/v1/data-requests/export", headers=auth)
    assert export.status_code == 200
    data = export.json()["data"]
    assert [b["reference"] for b in data["bookings"]] == [own]
    assert {m["booking_reference"] for m in data["messages"]} == {own, ""}
    assert {m["recipient"].lower() for m in data["messages"]} == {EXPERT}
    for stranger in ("matti@example.com", "liisa@example.com", "Meikäläinen", "Liisa", booked):
        assert stranger not in export.text, stranger

    erased = await client.post("/api/v1/data-requests/erase", headers=auth)
    assert erased.status_code == 200
    notices = await OutboxMessage.select().where(
        OutboxMessage.booking_reference.is_in([booked, other])
    )
    assert notices
    assert all(n["recipient"] and n["payload"] != "{}" for n in notices)
    assert EXPERT in {n["recipient"] for n in notices}
    about_her = await OutboxMessage.select().where(OutboxMessage.booking_reference == own)
    assert about_her
    assert all((n["recipient"], n["payload"]) == ("", "{}") for n in about_her)


async def test_an_address_that_only_received_staff_notices_has_no_data(
    client: httpx.AsyncClient, booked: str
):
    assert await OutboxMessage.count().where(OutboxMessage.recipient == EXPERT) >= 1
    asked = await client.post("/api/v1/data-requests", json={"email": EXPERT})
    assert asked.status_code == 202
    assert await OutboxMessage.count().where(OutboxMessage.kind == "data_request") == 0
