"""Joint sessions forget their customer like bookings do, and clerks' looks are audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from litestar import Litestar

from booking.joint.tables import JointSession
from security.tables import AuditEntry
from testdata.factories import staff_headers
from tests.joint_world import book_body, search


async def test_a_joint_sessions_customer_is_anonymised_and_the_session_stays(
    client: httpx.AsyncClient, app: Litestar, world: dict[str, Any]
):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    booked = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    assert booked.status_code == 201, booked.text
    reference = booked.json()["reference"]
    read = await client.get(f"/api/v1/joint-sessions/{reference}", headers=clerk)
    assert read.status_code == 200
    subjects = {
        (e["action"], e["subject"]) for e in await AuditEntry.select().order_by(AuditEntry.id)
    }
    assert {("change", f"joint-session:{reference}"), ("view", f"joint-session:{reference}")} <= (
        subjects
    )

    before = await JointSession.select().where(JointSession.reference == reference).first()
    await app.state["retention"].anonymise_due(datetime(2028, 1, 1, tzinfo=UTC))
    after = await JointSession.select().where(JointSession.reference == reference).first()
    assert before is not None
    assert after is not None
    for field in ("customer_name", "customer_email", "matter"):
        assert before[field]
        assert after[field] == ""
    for field in ("reference", "service_point", "room", "starts_at", "ends_at", "status"):
        assert after[field] == before[field]
