"""The outbox: every booking change writes its messages in its own transaction, reminders at
the service's offsets, moved on reschedule and dropped on cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from booking.tables import Service
from notifications.tables import OutboxMessage
from staff.accounts import create_staff_user
from testdata.factories import booking_body
from tests.notifications.conftest import book

Client = httpx.AsyncClient
# 2026-11-24 10:00 Helsinki; the test clock says 2026-11-23 08:00 UTC (26 hours ahead).
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def _outbox() -> list[dict[str, Any]]:
    return await OutboxMessage.select().order_by(OutboxMessage.id)


def _by_kind(
    rows: list[dict[str, Any]], status: str = "pending"
) -> dict[str, list[dict[str, Any]]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] == status:
            kinds.setdefault(row["kind"], []).append(row)
    return kinds


async def test_booking_writes_confirmation_expert_notice_and_reminders(
    client: Client, advisor: int
):
    created, _ = await book(client, language="sv")
    kinds = _by_kind(await _outbox())
    [confirmation] = kinds["confirmation"]
    assert confirmation["recipient"] == "matti@example.com"
    assert confirmation["language"] == "sv"
    assert confirmation["booking_reference"] == created["reference"]
    assert confirmation["due_at"] == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    [notice] = kinds["new_booking"]
    assert notice["recipient"] == "aino.virtanen@example.fi"
    assert notice["copy_to"] == "yrityspalvelut@example.fi"
    assert notice["language"] == "en"  # the expert's own language, not the customer's
    # Booked exactly 24 hours ahead: a "24 h before" reminder would come with the confirmation.
    assert [r["due_at"] for r in kinds["reminder"]] == [START - timedelta(hours=2)]
    # The feedback request waits until the appointment is marked completed.
    assert "feedback_request" not in kinds
    assert len({row["idempotency_key"] for row in await _outbox()}) == len(await _outbox())


async def test_reminder_offset_already_past_at_booking_time_is_skipped(
    client: Client, advisor: int
):
    # 3 hours ahead of the test clock: no "24 h before" reminder, the "2 h before" one stays.
    await book(client, "2026-11-23T13:00:00+02:00")
    reminders = _by_kind(await _outbox())["reminder"]
    assert [r["due_at"] for r in reminders] == [datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]


async def test_reminder_offsets_come_from_the_service(client: Client, advisor: int):
    await Service.update({Service.reminder_minutes: [60 * 48, 30]}).where(Service.id > 0)
    await book(client, "2026-11-26T10:00:00+02:00")
    reminders = _by_kind(await _outbox())["reminder"]
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert sorted(r["due_at"] for r in reminders) == [
        start - timedelta(hours=48),
        start - timedelta(minutes=30),
    ]


async def test_reschedule_moves_reminders_and_notifies_both(client: Client, advisor: int):
    created, auth = await book(client, "2026-11-24T11:00:00+02:00")
    response = await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-11-25T12:00:00+02:00"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    rows = await _outbox()
    dropped = _by_kind(rows, "dropped")
    assert len(dropped["reminder"]) == 2
    assert dropped["reminder"][0]["last_error"] == "booking rescheduled"
    pending = _by_kind(rows)
    new_start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert sorted(r["due_at"] for r in pending["reminder"]) == [
        new_start - timedelta(hours=24),
        new_start - timedelta(hours=2),
    ]
    assert {r["recipient"] for r in pending["reschedule"]} == {
        "matti@example.com",
        "aino.virtanen@example.fi",
    }


async def test_cancel_drops_reminders_and_feedback_and_sends_the_reason(
    client: Client, advisor: int
):
    created, auth = await book(client, "2026-11-24T11:00:00+02:00")
    response = await client.post(
        f"/api/v1/bookings/{created['reference']}/cancel",
        json={"reason": "Asia hoitui puhelimessa"},
        headers=auth,
    )
    assert response.status_code == 200
    rows = await _outbox()
    pending = _by_kind(rows)
    assert "reminder" not in pending
    assert "feedback_request" not in pending
    assert len(pending["cancellation"]) == 2
    assert "Asia hoitui puhelimessa" in pending["cancellation"][0]["payload"]
    assert len(_by_kind(rows, "dropped")["reminder"]) == 2


async def test_a_refused_booking_writes_no_messages(client: Client, advisor: int):
    await book(client)
    before = len(await _outbox())
    taken = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    assert taken.status_code == 409
    assert len(await _outbox()) == before


async def test_an_admin_sets_a_service_s_reminder_offsets_and_bad_ones_are_refused(
    client: Client, advisor: int
):
    await create_staff_user(
        email="admin@example.fi", password="correct horse battery", name="A", roles=["admin"]
    )
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "admin@example.fi", "password": "correct horse battery"},
    )
    admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
    body = {
        "slug": "permit-advice",
        "agency": "city-business",
        "name": {"fi": "Lupaneuvonta", "sv": "Tillståndsrådgivning", "en": "Permit advice"},
        "duration_minutes": 45,
        "channels": ["video"],
    }
    bad = await client.post(
        "/api/v1/admin/services", json=body | {"reminder_minutes": [0]}, headers=admin
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"].startswith("reminder_minutes")
    made = await client.post(
        "/api/v1/admin/services", json=body | {"reminder_minutes": [30, 60 * 72]}, headers=admin
    )
    assert made.status_code == 201, made.text
    default = await client.post(
        "/api/v1/admin/services", json=body | {"slug": "other"}, headers=admin
    )
    assert default.status_code == 201
    rows = await Service.select(Service.slug, Service.reminder_minutes).where(
        Service.slug.is_in(["permit-advice", "other"])
    )
    assert {row["slug"]: row["reminder_minutes"] for row in rows} == {
        "permit-advice": [60 * 72, 30],
        "other": [24 * 60, 2 * 60],
    }
