"""Outcomes and feedback: only completed appointments are asked, once, by a one-time link
that expires 30 days after the request; key-customer bookings prefer their manager."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from booking.quality.feedback import feedback_url, invitation
from booking.quality.tables import Feedback
from booking.tables import Booking, Reservation
from luukku.clock import FixedClock
from luukku.problems import NotFound
from luukku.settings import Settings
from notifications.tables import OutboxMessage
from tests.quality_world import COMPANY, Quality

Client = httpx.AsyncClient
START = "2026-11-25T10:00:00+02:00"  # Wednesday, an hour (the service's length)
END = datetime(2026, 11, 25, 9, tzinfo=UTC)


async def book(client: Client, expert: int | None, **customer: Any) -> str:
    body: dict[str, Any] = {
        "service": "funding-advice",
        "start": START,
        "channel": "phone",
        "language": "fi",
        "customer": {"name": "Matti", "email": "matti@example.com", **customer},
    }
    if expert is not None:
        body["expert_id"] = expert
    response = await client.post("/api/v1/bookings", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


async def mark(client: Client, quality: Quality, reference: str, outcome: str, who: str = "aino"):
    return await client.post(
        f"/api/v1/staff/bookings/{reference}/outcome",
        json={"outcome": outcome},
        headers=await quality.headers(client, who),
    )


async def requests_of(reference: str) -> list[dict[str, Any]]:
    return list(
        await OutboxMessage.select().where(
            (OutboxMessage.kind == "feedback_request")
            & (OutboxMessage.booking_reference == reference)
        )
    )


def path_of(url: str) -> str:
    return url.removeprefix("https://luukku.test").replace("/feedback/", "/api/v1/feedback/", 1)


async def completed(client: Client, quality: Quality, clock: FixedClock) -> tuple[str, str]:
    reference = await book(client, quality.aino)
    clock.current = END + timedelta(minutes=10)
    response = await mark(client, quality, reference, "completed")
    assert response.status_code == 200, response.text
    [request] = await requests_of(reference)
    return reference, path_of(json.loads(request["payload"])["feedback_url"])


async def test_an_outcome_waits_for_the_appointment_and_belongs_to_its_expert(
    client: Client, quality: Quality, clock: FixedClock
):
    reference = await book(client, quality.aino)
    early = await mark(client, quality, reference, "completed")
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "outcome"
    clock.current = END
    assert (await mark(client, quality, reference, "finished")).status_code == 422
    assert (await mark(client, quality, reference, "completed", who="bertta")).status_code == 404
    assert (await mark(client, quality, reference, "completed", who="kelaboss")).status_code == 404
    by_admin = await mark(client, quality, reference, "no_show", who="boss")
    assert by_admin.status_code == 200
    assert by_admin.json()["outcome"] == "no_show"
    assert await requests_of(reference) == []


async def test_completed_gets_one_request_an_hour_after_the_end_with_its_own_link(
    client: Client, quality: Quality, clock: FixedClock, settings: Settings
):
    reference, _ = await completed(client, quality, clock)
    [request] = await requests_of(reference)
    assert request["due_at"] == END + timedelta(hours=1)
    assert request["recipient"] == "matti@example.com"
    assert json.loads(request["payload"])["feedback_url"] == feedback_url(settings, reference)
    # Marking it again changes nothing.
    assert (await mark(client, quality, reference, "completed")).status_code == 200
    assert len(await requests_of(reference)) == 1


async def test_a_changed_mind_drops_the_request_before_it_goes(
    client: Client, quality: Quality, clock: FixedClock
):
    reference, _ = await completed(client, quality, clock)
    assert (await mark(client, quality, reference, "no_show")).status_code == 200
    [request] = await requests_of(reference)
    assert request["status"] == "dropped"


async def test_the_form_takes_one_answer_and_refuses_a_second(
    client: Client, quality: Quality, clock: FixedClock
):
    reference, path = await completed(client, quality, clock)
    form = await client.get(path, params={"lang": "en"})
    assert form.status_code == 200, form.text
    assert form.json()["answered"] is False
    assert [q["text"] for q in form.json()["questions"]] == [
        "The service met my needs",
        "The communication was sufficient and understandable",
    ]
    answers = {"needs_met": 5, "communication": 4, "comment": "Selkeää, kiitos."}
    first = await client.post(path, json=answers)
    assert first.status_code == 201
    second = await client.post(path, json={"needs_met": 1, "communication": 1})
    assert second.status_code == 409
    [row] = await Feedback.select()
    assert (row["needs_met"], row["communication"], row["comment"]) == (5, 4, "Selkeää, kiitos.")
    assert (await client.get(path)).json()["answered"] is True
    # Once answered, the outcome can no longer change.
    assert (await mark(client, quality, reference, "no_show")).status_code == 409


async def test_two_answers_at_once_store_one(client: Client, quality: Quality, clock: FixedClock):
    _, path = await completed(client, quality, clock)
    replies = await asyncio.gather(
        *(client.post(path, json={"needs_met": n, "communication": n}) for n in (2, 3))
    )
    assert sorted(r.status_code for r in replies) == [201, 409]
    assert await Feedback.count() == 1


async def test_bad_answers_name_their_fields(client: Client, quality: Quality, clock: FixedClock):
    _, path = await completed(client, quality, clock)
    response = await client.post(path, json={"needs_met": 0, "communication": 6})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"needs_met", "communication"}
    assert await Feedback.count() == 0


async def test_a_wrong_or_foreign_link_opens_nothing(
    client: Client, quality: Quality, clock: FixedClock, settings: Settings
):
    other = await book(client, quality.bertta)
    reference, path = await completed(client, quality, clock)
    token = path.rsplit("/", 1)[1]
    assert (await client.get(f"/api/v1/feedback/{other}/{token}")).status_code == 404
    assert (await client.get(f"/api/v1/feedback/{reference}/{token[:-2]}xx")).status_code == 404
    # A no-show has no form even with its own correctly signed link.
    await mark(client, quality, other, "no_show", who="bertta")
    assert (await client.get(path_of(feedback_url(settings, other)))).status_code == 404


async def test_the_link_expires_30_days_after_the_request(
    client: Client, quality: Quality, clock: FixedClock
):
    _, path = await completed(client, quality, clock)
    clock.current = END + timedelta(hours=1, days=30)
    assert (await client.get(path)).status_code == 200
    clock.current += timedelta(seconds=1)
    late = await client.get(path)
    assert late.status_code == 410
    assert (await client.post(path, json={"needs_met": 5, "communication": 5})).status_code == 410


async def test_a_link_survives_a_key_rotation_while_the_old_key_is_kept(
    client: Client, quality: Quality, clock: FixedClock, settings: Settings
):
    reference, _ = await completed(client, quality, clock)
    rotated = dataclasses.replace(
        settings, secret_key="a brand new key " * 4, previous_secret_keys=(settings.secret_key,)
    )
    old_link = feedback_url(settings, reference).rsplit("/", 1)[1]
    found = await invitation(rotated, reference, old_link, clock.now())
    assert found.reference == reference
    dropped = dataclasses.replace(rotated, previous_secret_keys=())
    with pytest.raises(NotFound):
        await invitation(dropped, reference, old_link, clock.now())


async def test_a_key_customers_booking_goes_to_its_manager_when_free(
    client: Client, quality: Quality
):
    named = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "expert_id": quality.bertta},
        headers=await quality.headers(client, "boss"),
    )
    assert named.status_code == 201
    # Without the preference the least loaded, lowest id (Aino) would get an "any expert" time.
    anyone = await book(client, None, email="x@example.com")
    [row] = await Booking.select(Booking.expert).where(Booking.reference == anyone)
    assert row["expert"] == quality.aino
    await Booking.delete().where(Booking.reference == anyone)
    await Reservation.delete(force=True)
    preferred = await book(client, None, business_id=COMPANY)
    [row] = await Booking.select(Booking.expert).where(Booking.reference == preferred)
    assert row["expert"] == quality.bertta
    # Bertta taken at that time: the company gets whoever is free.
    second = await book(client, None, business_id=COMPANY, email="y@example.com")
    [row] = await Booking.select(Booking.expert).where(Booking.reference == second)
    assert row["expert"] == quality.aino


async def test_key_customers_are_managed_within_the_agency(client: Client, quality: Quality):
    boss = await quality.headers(client, "boss")
    foreign = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "expert_id": quality.olli},
        headers=boss,
    )
    assert foreign.status_code == 403
    invalid = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": "1234567-0", "expert_id": quality.aino},
        headers=boss,
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "business_id"
    first = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "expert_id": quality.aino},
        headers=boss,
    )
    # Naming another manager replaces the first: one per agency and company.
    second = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "expert_id": quality.bertta},
        headers=boss,
    )
    assert (first.status_code, second.status_code) == (201, 201)
    listed = (await client.get("/api/v1/admin/key-customers", headers=boss)).json()
    assert [(k["business_id"], k["expert_id"]) for k in listed] == [(COMPANY, quality.bertta)]
    expert = await quality.headers(client, "aino")
    assert (await client.get("/api/v1/admin/key-customers", headers=expert)).status_code == 403
    removed = await client.delete(f"/api/v1/admin/key-customers/{listed[0]['id']}", headers=boss)
    assert removed.status_code == 204
    assert (await client.get("/api/v1/admin/key-customers", headers=boss)).json() == []
