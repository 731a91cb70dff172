"""The customer follows a contact request: status, history and due time behind the status
token; each staff action shows at once; a wrong or missing token reveals nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx

from notifications.tables import OutboxMessage
from tests.quality_world import Quality

Client = httpx.AsyncClient
PRIVATE = {"name": "Liisa", "email": "liisa@example.com"}


async def _submit(client: Client) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/contact-requests",
        json={
            "topic": "funding",
            "question": "Voiko starttirahaa hakea jälkikäteen?",
            "channel": "email",
            "language": "fi",
            "customer": PRIVATE,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _status(client: Client, created: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/contact-requests/{created['reference']}",
        headers={"Authorization": f"Bearer {created['status_token']}"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _steps(status: dict[str, Any]) -> list[tuple[str, str]]:
    return [(step["event"], step["by"]) for step in status["history"]]


async def test_submission_answers_a_status_token_and_url_and_the_receipt_links_it(
    client: Client, quality: Quality
):
    created = await _submit(client)
    assert created["status_url"] == (
        f"https://luukku.test/contact/status/{created['reference']}?token={created['status_token']}"
    )
    status = await _status(client, created)
    assert status["status"] == "received"
    assert status["due_at"] == created["due_at"]
    assert _steps(status) == [("received", "customer")]
    [receipt] = await OutboxMessage.select().where(OutboxMessage.kind == "contact_receipt")
    assert created["status_url"] in json.dumps(json.loads(receipt["payload"]), ensure_ascii=False)


async def test_each_staff_action_shows_in_the_status_at_once(client: Client, quality: Quality):
    created = await _submit(client)
    path = f"/api/v1/staff/contact-requests/{created['reference']}"
    aino = await quality.headers(client, "aino")
    assert (await client.post(f"{path}/claim", headers=aino)).status_code == 200
    assert (await _status(client, created))["status"] == "assigned"
    handed = await client.post(
        f"{path}/assign",
        json={"expert_id": quality.bertta},
        headers=await quality.headers(client, "boss"),
    )
    assert handed.status_code == 200
    bertta = await quality.headers(client, "bertta")
    replied = await client.post(f"{path}/reply", json={"message": "Kyllä voi."}, headers=bertta)
    assert replied.status_code == 200
    status = await _status(client, created)
    assert status["status"] == "answered"
    assert _steps(status) == [
        ("received", "customer"),
        ("assigned", "staff"),
        ("assigned", "staff"),
        ("answered", "staff"),
    ]


async def test_booking_a_time_and_closing_show_as_converted_and_closed(
    client: Client, quality: Quality
):
    booked = await _submit(client)
    converted = await client.post(
        f"/api/v1/staff/contact-requests/{booked['reference']}/convert",
        json={
            "service": "funding-advice",
            "start": "2026-11-25T10:00:00+02:00",
            "channel": "phone",
            "expert_id": quality.aino,
        },
        headers=await quality.headers(client, "aino"),
    )
    assert converted.status_code == 201, converted.text
    assert (await _status(client, booked))["status"] == "converted"

    spam = await _submit(client)
    closed = await client.post(
        f"/api/v1/staff/contact-requests/{spam['reference']}/close",
        headers=await quality.headers(client, "boss"),
    )
    assert closed.status_code == 200, closed.text
    status = await _status(client, spam)
    assert (status["status"], _steps(status)[-1]) == ("closed", ("closed", "staff"))


async def test_a_wrong_or_missing_token_answers_404_like_an_unknown_reference(
    client: Client, quality: Quality
):
    created = await _submit(client)
    path = f"/api/v1/contact-requests/{created['reference']}"
    wrong = await client.get(path, headers={"Authorization": "Bearer not-the-token"})
    missing = await client.get(path)
    unknown = await client.get(
        "/api/v1/contact-requests/YP-AAAA-AAAA",
        headers={"Authorization": f"Bearer {created['status_token']}"},
    )
    assert wrong.status_code == missing.status_code == unknown.status_code == 404
    assert wrong.json() == missing.json() == unknown.json()
    assert created["reference"] not in wrong.text


async def test_the_status_page_from_the_receipt_shows_the_steps(client: Client, quality: Quality):
    created = await _submit(client)
    page = await client.get(created["status_url"].removeprefix("https://luukku.test"))
    assert page.status_code == 200
    assert created["reference"] in page.text
    assert 'class="history"' in page.text
    wrong = await client.get(f"/contact/status/{created['reference']}", params={"token": "x"})
    assert wrong.status_code == 404
    assert 'class="history"' not in wrong.text
