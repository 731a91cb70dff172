"""Contact requests and feedback under the privacy rules: rate limited per email, forgotten
after the retention period with the report figures intact, exported and erased with the
customer's other data, and every staff reading of a request in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app import retention_registry
from booking.quality.tables import ContactReply, ContactRequest, Feedback
from booking.tables import Booking
from luukku.clock import FixedClock
from luukku.settings import Settings
from security.tables import AuditEntry
from tests.quality_world import Quality
from tests.security.conftest import ClientFrom

QUESTION = {
    "topic": "funding",
    "question": "Yritykseni Meikäläinen Oy tarvitsee lainaa.",
    "channel": "email",
    "language": "fi",
    "customer": {"name": "Liisa Laine", "email": "liisa@example.com", "phone": "0401234567"},
}


async def test_questions_are_limited_per_email_and_open_after_the_window(
    client_from: ClientFrom, quality: Quality, clock: FixedClock
):
    for n in range(2):
        async with client_from(f"10.0.7.{n}") as http:
            assert (await http.post("/api/v1/contact-requests", json=QUESTION)).status_code == 201
    async with client_from("10.0.7.9") as http:
        third = await http.post("/api/v1/contact-requests", json=QUESTION)
        assert third.status_code == 429
        assert third.headers["content-type"].startswith("application/problem+json")
        retry_after = int(third.headers["retry-after"])
        clock.current += timedelta(seconds=retry_after)
        assert (await http.post("/api/v1/contact-requests", json=QUESTION)).status_code == 201
    assert await ContactRequest.count() == 3


async def _answered_with_feedback(client: httpx.AsyncClient, quality: Quality, clock: FixedClock):
    asked = await client.post("/api/v1/contact-requests", json=QUESTION)
    reference = asked.json()["reference"]
    aino = await quality.headers(client, "aino")
    await client.post(
        f"/api/v1/staff/contact-requests/{reference}/reply",
        json={"message": "Soita minulle numeroon 040 765 4321."},
        headers=aino,
    )
    booked = await client.post(
        "/api/v1/bookings",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "language": "fi",
            "expert_id": quality.aino,
            "customer": {"name": "Liisa Laine", "email": "liisa@example.com"},
        },
    )
    booking = booked.json()["reference"]
    booking_id = (await Booking.select(Booking.id).where(Booking.reference == booking))[0]["id"]
    await Feedback.insert(
        Feedback(
            booking=booking_id,
            needs_met=4,
            communication=5,
            comment="Liisa kiittää Ainoa.",
            answered_at=clock.now(),
        )
    )
    return reference


async def test_retention_forgets_questions_answers_and_comments_but_keeps_the_figures(
    client: httpx.AsyncClient, quality: Quality, clock: FixedClock, settings: Settings
):
    await _answered_with_feedback(client, quality, clock)
    retention = retention_registry(settings)
    # Eleven months on, nothing is forgotten yet.
    assert not any((await retention.anonymise_due(clock.now() + timedelta(days=330))).values())
    counts = await retention.anonymise_due(datetime(2027, 12, 1, tzinfo=UTC))
    assert counts["contact_requests"] == counts["contact_replies"] == 1
    assert counts["feedback_comments"] == 1
    [request] = await ContactRequest.select()
    assert (request["customer_name"], request["customer_email"], request["question"]) == (
        "",
        "",
        "",
    )
    assert request["customer_phone"] == ""
    # What the reports count survives: status, times, topic, grades.
    assert (request["status"], request["topic"]) == ("answered", "funding")
    assert request["answered_at"] == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert request["due_at"] == datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert [row["body"] for row in await ContactReply.select()] == [""]
    [feedback] = await Feedback.select()
    assert (feedback["needs_met"], feedback["communication"], feedback["comment"]) == (4, 5, "")
    # A second run the same day changes nothing.
    again = await retention.anonymise_due(datetime(2027, 12, 1, tzinfo=UTC))
    assert not any(again.values())


async def test_export_lists_the_customers_questions_and_erasure_blanks_them(
    client: httpx.AsyncClient, quality: Quality, clock: FixedClock, settings: Settings
):
    reference = await _answered_with_feedback(client, quality, clock)
    retention = retention_registry(settings)
    exported = await retention.export("Liisa@Example.com")
    [question] = exported["contact_requests"]
    assert question["reference"] == reference
    assert question["question"] == QUESTION["question"]
    erased = await retention.erase("liisa@example.com")
    assert erased["contact_requests"] == 1
    [request] = await ContactRequest.select()
    assert (request["customer_email"], request["question"]) == ("", "")


async def test_reading_a_request_is_in_the_audit_log(client: httpx.AsyncClient, quality: Quality):
    asked = await client.post("/api/v1/contact-requests", json=QUESTION)
    reference = asked.json()["reference"]
    boss = await quality.headers(client, "boss")
    assert (
        await client.get(f"/api/v1/staff/contact-requests/{reference}", headers=boss)
    ).status_code == 200
    await client.post(
        f"/api/v1/staff/contact-requests/{reference}/reply",
        json={"message": "Vastaus.", "channel": "phone"},
        headers=boss,
    )
    entries = await AuditEntry.select().where(AuditEntry.subject == f"contact-request:{reference}")
    assert [(entry["action"], entry["detail"]) for entry in entries] == [
        ("view", ""),
        ("change", "answered (phone)"),
    ]
