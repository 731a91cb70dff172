"""Contact requests: routing, the 24-working-hour due time, the staff inbox, replies,
conversion into a booking, and the escalation at 75 %."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from booking.quality.escalation import escalate_due
from booking.quality.tables import ContactRequest
from booking.tables import Booking
from luukku.clock import FixedClock
from notifications.tables import OutboxMessage
from tests.quality_world import COMPANY, Quality

Client = httpx.AsyncClient


def ask(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": "funding",
        "question": "Voiko starttirahaa hakea jälkikäteen?",
        "channel": "email",
        "language": "fi",
        "customer": {
            "name": "Matti Meikäläinen",
            "email": "matti@example.com",
            "company": "Meikäläinen Oy",
            "business_id": COMPANY,
        },
    }
    body.update(overrides)
    return body


async def submit(client: Client, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/contact-requests", json=ask(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def letters(kind: str) -> list[dict[str, Any]]:
    return list(
        await OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    )


async def name_key_customer(client: Client, quality: Quality, expert: int) -> None:
    response = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": "26174164", "company": "Meikäläinen Oy", "expert_id": expert},
        headers=await quality.headers(client, "boss"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["business_id"] == COMPANY  # stored in its standard form


async def test_a_request_is_due_24_working_hours_later_with_a_receipt(
    client: Client, quality: Quality
):
    # The test clock: Monday 2026-11-23 10:00 in Helsinki; Monday to Friday 8–16.
    created = await submit(client, language="sv")
    assert created["due_at"] == "2026-11-26T10:00:00+02:00"
    assert created["status"] == "open"
    assert created["agency"] == "city-business"
    [receipt] = await letters("contact_receipt")
    assert receipt["recipient"] == "matti@example.com"
    assert receipt["language"] == "sv"
    letter = json.loads(receipt["payload"])["letter"]
    assert created["reference"] in letter["subject"]
    assert "torsdag 26.11.2026 10:00" in letter["paragraphs"][1]


async def test_without_a_key_customer_the_request_waits_in_the_topic_queue(
    client: Client, quality: Quality
):
    created = await submit(client, customer={"name": "Liisa", "email": "liisa@example.com"})
    row = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert (row[0]["routing"], row[0]["expert"]) == ("queue", None)
    # Funding experts of the agency see it; the permits expert and the other agency do not.
    for who, sees in [("aino", True), ("bertta", True), ("cecilia", False), ("olli", False)]:
        inbox = await client.get(
            "/api/v1/staff/contact-requests", headers=await quality.headers(client, who)
        )
        assert inbox.status_code == 200
        assert [r["reference"] for r in inbox.json()] == ([created["reference"]] if sees else [])
    assert await letters("contact_assigned") == []


async def test_a_key_customer_reaches_its_manager_and_the_manager_is_told(
    client: Client, quality: Quality
):
    await name_key_customer(client, quality, quality.bertta)
    created = await submit(client)
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert (row["routing"], row["expert"]) == ("key_customer", quality.bertta)
    [notice] = await letters("contact_assigned")
    assert notice["recipient"] == "bertta@example.fi"
    # Aino (same topic, not the manager) no longer sees it: it is Bertta's.
    inbox = await client.get(
        "/api/v1/staff/contact-requests", headers=await quality.headers(client, "aino")
    )
    assert inbox.json() == []


async def test_while_the_manager_is_away_the_substitute_gets_the_request(
    client: Client, quality: Quality, clock: FixedClock
):
    await name_key_customer(client, quality, quality.bertta)
    absence = await client.post(
        f"/api/v1/admin/experts/{quality.bertta}/absences",
        json={
            "start": "2026-11-23T00:00:00+02:00",
            "end": "2026-11-28T00:00:00+02:00",
            "substitute_id": quality.aino,
        },
        headers=await quality.headers(client, "boss"),
    )
    assert absence.status_code == 201, absence.text
    created = await submit(client)
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert (row["routing"], row["expert"]) == ("substitute", quality.aino)
    # After the absence the manager has the company's requests again.
    clock.current = datetime(2026, 11, 30, 8, tzinfo=UTC)
    later = await submit(client)
    [row] = await ContactRequest.select().where(ContactRequest.reference == later["reference"])
    assert (row["routing"], row["expert"]) == ("key_customer", quality.bertta)


async def test_a_key_customer_of_another_agency_does_not_route_this_agencys_request(
    client: Client, quality: Quality
):
    response = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "expert_id": quality.olli},
        headers=await quality.headers(client, "kelaboss"),
    )
    assert response.status_code == 201
    created = await submit(client, agency="city-business")
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert (row["routing"], row["expert"]) == ("queue", None)


async def test_bad_requests_name_their_fields_and_write_nothing(client: Client, quality: Quality):
    cases = [
        (ask(topic="astrology"), "topic"),
        (ask(channel="fax"), "channel"),
        (ask(language="de"), "language"),
        (ask(agency="nowhere"), "agency"),
        (ask(agency="kela", topic="permits"), "topic"),
        (ask(customer={"name": "M", "email": "not-an-address"}), "customer.email"),
        (
            ask(customer={"name": "M", "email": "m@example.com", "business_id": "123"}),
            "customer.business_id",
        ),
        (ask(question="x" * 4001), "question"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/contact-requests", json=body)
        assert response.status_code in (400, 422), (field, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        fields = [error["field"] for error in response.json().get("errors", [])]
        assert any(name.endswith(field) for name in fields), (field, response.json())
    assert await ContactRequest.count() == 0
    assert await OutboxMessage.count() == 0


async def test_the_inbox_lists_overdue_requests_first_then_by_due_time(
    client: Client, quality: Quality, clock: FixedClock
):
    first = await submit(client)
    clock.current += timedelta(days=1)
    second = await submit(client)
    # Thursday 11:00: the first (due 10:00 today) is overdue; the newest is due latest.
    clock.current = datetime(2026, 11, 26, 9, tzinfo=UTC)
    third = await submit(client)
    inbox = await client.get(
        "/api/v1/staff/contact-requests", headers=await quality.headers(client, "boss")
    )
    listed = inbox.json()
    assert [r["reference"] for r in listed] == [
        first["reference"],
        second["reference"],
        third["reference"],
    ]
    assert [r["overdue"] for r in listed] == [True, False, False]


async def test_claim_then_reply_by_email_stops_the_clock_and_sends_the_answer(
    client: Client, quality: Quality, clock: FixedClock
):
    created = await submit(client, customer={"name": "Liisa", "email": "liisa@example.com"})
    aino = await quality.headers(client, "aino")
    reference = created["reference"]
    claimed = await client.post(f"/api/v1/staff/contact-requests/{reference}/claim", headers=aino)
    assert claimed.status_code == 200
    assert claimed.json()["expert_id"] == quality.aino
    # Bertta can no longer see it: it is Aino's now.
    bertta = await quality.headers(client, "bertta")
    hidden = await client.get(f"/api/v1/staff/contact-requests/{reference}", headers=bertta)
    assert hidden.status_code == 404

    clock.current += timedelta(hours=3)
    answer = "Starttirahaa haetaan ennen yritystoiminnan aloittamista.\nSoita, jos kysyttävää."
    replied = await client.post(
        f"/api/v1/staff/contact-requests/{reference}/reply",
        json={"message": answer},
        headers=aino,
    )
    assert replied.status_code == 200, replied.text
    body = replied.json()
    assert body["status"] == "answered"
    assert body["answered_at"] == "2026-11-23T13:00:00+02:00"
    assert body["replies"][0]["message"] == answer
    [letter] = await letters("contact_reply")
    assert letter["recipient"] == "liisa@example.com"
    payload = json.loads(letter["payload"])["letter"]
    assert payload["paragraphs"][1] == answer
    assert payload["reply_to"] == "aino@example.fi"


async def test_an_answer_given_by_phone_is_recorded_without_an_email(
    client: Client, quality: Quality
):
    created = await submit(client, channel="phone")
    reference = created["reference"]
    replied = await client.post(
        f"/api/v1/staff/contact-requests/{reference}/reply",
        json={"message": "Soitettu, neuvottu hakemaan ELY:ltä.", "channel": "phone"},
        headers=await quality.headers(client, "aino"),
    )
    assert replied.status_code == 200
    assert replied.json()["status"] == "answered"
    assert await letters("contact_reply") == []


async def test_converting_into_a_booking_keeps_the_link_and_answers_the_request(
    client: Client, quality: Quality
):
    created = await submit(client, customer={"name": "Liisa", "email": "liisa@example.com"})
    reference = created["reference"]
    converted = await client.post(
        f"/api/v1/staff/contact-requests/{reference}/convert",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "expert_id": quality.aino,
        },
        headers=await quality.headers(client, "aino"),
    )
    assert converted.status_code == 201, converted.text
    body = converted.json()
    assert body["contact_request"]["status"] == "converted"
    assert body["contact_request"]["booking_reference"] == body["booking_reference"]
    [booking] = await Booking.select().where(Booking.reference == body["booking_reference"])
    assert (booking["customer_email"], booking["expert"]) == ("liisa@example.com", quality.aino)
    assert booking["message"] == created_question()
    # The customer gets the ordinary booking confirmation.
    confirmations = await OutboxMessage.select().where(OutboxMessage.kind == "confirmation")
    assert [row["recipient"] for row in confirmations] == ["liisa@example.com"]


def created_question() -> str:
    return str(ask()["question"])


async def test_converting_into_a_taken_time_fails_whole_and_the_request_stays_open(
    client: Client, quality: Quality
):
    taken = await client.post(
        "/api/v1/bookings",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "language": "fi",
            "expert_id": quality.aino,
            "customer": {"name": "Other", "email": "other@example.com"},
        },
    )
    assert taken.status_code == 201
    created = await submit(client)
    converted = await client.post(
        f"/api/v1/staff/contact-requests/{created['reference']}/convert",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "expert_id": quality.aino,
        },
        headers=await quality.headers(client, "aino"),
    )
    assert converted.status_code == 409
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert (row["status"], row["booking"], row["answered_at"]) == ("open", None, None)
    assert await Booking.count() == 1


async def test_escalation_goes_to_the_agency_admins_once_at_75_percent(
    client: Client, quality: Quality, clock: FixedClock
):
    created = await submit(client)
    answered = await submit(client)
    await client.post(
        f"/api/v1/staff/contact-requests/{answered['reference']}/reply",
        json={"message": "Vastattu."},
        headers=await quality.headers(client, "aino"),
    )
    # 18 working hours after Monday 10:00 is Wednesday 12:00 (Helsinki).
    assert await escalate_due(datetime(2026, 11, 25, 9, 59, tzinfo=UTC)) == 0
    at_75 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert await escalate_due(at_75) == 1
    assert await escalate_due(at_75 + timedelta(minutes=1)) == 0
    assert await escalate_due(at_75 + timedelta(days=3)) == 0
    [escalation] = await letters("contact_escalation")
    assert escalation["recipient"] == "boss@example.fi"  # not kelaboss, not the experts
    assert escalation["language"] == "en"
    assert created["reference"] in json.loads(escalation["payload"])["letter"]["subject"]
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    assert row["escalated_at"] == at_75


async def test_escalation_runs_once_when_two_workers_tick_together(
    client: Client, quality: Quality
):
    import asyncio

    await submit(client)
    at_75 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    results = await asyncio.gather(escalate_due(at_75), escalate_due(at_75))
    assert sorted(results) == [0, 1]
    assert len(await letters("contact_escalation")) == 1


async def test_only_the_assignee_or_an_agency_admin_hands_a_request_on(
    client: Client, quality: Quality
):
    created = await submit(client)
    reference = created["reference"]
    assign = f"/api/v1/staff/contact-requests/{reference}/assign"
    refused = await client.post(
        assign, json={"expert_id": quality.aino}, headers=await quality.headers(client, "bertta")
    )
    assert refused.status_code == 403
    foreign = await client.post(
        assign, json={"expert_id": quality.olli}, headers=await quality.headers(client, "boss")
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "expert_id"
    handed = await client.post(
        assign, json={"expert_id": quality.aino}, headers=await quality.headers(client, "boss")
    )
    assert handed.status_code == 200
    assert handed.json()["expert_id"] == quality.aino
    [notice] = await letters("contact_assigned")
    assert notice["recipient"] == "aino@example.fi"
    other_admin = await client.get(
        f"/api/v1/staff/contact-requests/{reference}",
        headers=await quality.headers(client, "kelaboss"),
    )
    assert other_admin.status_code == 404


async def test_the_agencys_own_service_hours_set_the_due_time(client: Client, quality: Quality):
    hours = [{"weekday": day, "start": "09:00", "end": "12:00"} for day in range(5)]
    url = "/api/v1/admin/agencies/city-business/service-hours"
    saved = await client.put(url, json=hours, headers=await quality.headers(client, "boss"))
    assert saved.status_code == 200, saved.text
    assert len(saved.json()) == 5
    foreign = await client.put(
        "/api/v1/admin/agencies/kela/service-hours",
        json=hours,
        headers=await quality.headers(client, "boss"),
    )
    assert foreign.status_code == 403
    overlapping = await client.put(
        url,
        json=[*hours, {"weekday": 0, "start": "11:00", "end": "13:00"}],
        headers=await quality.headers(client, "boss"),
    )
    assert overlapping.status_code == 422
    # Monday 10:00, 3 hours a day: 2 h on Monday, 7 full days (21 h), 1 h on Thursday 3.12.
    created = await submit(client)
    assert created["due_at"] == "2026-12-03T10:00:00+02:00"
