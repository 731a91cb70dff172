"""Personal data: retention anonymises customers' details while the statistics stay, and
the audit log records staff looks at and changes of customers' data, append-only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar

from booking.tables import Booking
from notifications.tables import OutboxMessage
from privacy.retention import Retention
from security.anonymisers import months_before
from security.tables import AuditEntry
from staff.accounts import create_staff_user
from testdata.factories import (
    booking_body,
    make_agency,
    make_expert,
    make_expert_login,
    make_service,
    staff_headers,
)

STATISTICS = ("reference", "service", "expert", "starts_at", "ends_at", "channel", "status")
PERSONAL = (
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_company",
    "customer_business_id",
    "message",
)


@pytest.fixture
async def advisor(db: None) -> int:
    agency = await make_agency()
    expert = await make_expert(agency)
    await make_service(agency)
    await make_expert_login(expert, "aino@example.fi", "correct horse battery")
    await create_staff_user(
        email="admin@example.fi", password="correct horse battery", name="Admin", roles=["admin"]
    )
    return expert


async def _book(client: httpx.AsyncClient, start: str) -> dict[str, object]:
    response = await client.post("/api/v1/bookings", json=booking_body(start))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert months_before(datetime(2027, 3, 31, 9, tzinfo=UTC), 1) == datetime(
        2027, 2, 28, 9, tzinfo=UTC
    )
    assert months_before(datetime(2027, 11, 24, tzinfo=UTC), 12) == datetime(
        2026, 11, 24, tzinfo=UTC
    )


async def test_retention_blanks_customers_but_keeps_the_statistics(
    client: httpx.AsyncClient, app: Litestar, advisor: int
):
    old = await _book(client, "2026-11-24T09:00:00+02:00")
    recent = await _book(client, "2026-11-26T09:00:00+02:00")
    before = {row["reference"]: row for row in await Booking.select(*Booking._meta.columns)}
    retention: Retention = app.state["retention"]
    # Twelve months after the first appointment ended, but not yet after the second.
    now = datetime(2027, 11, 25, 12, tzinfo=UTC)
    counts = await retention.anonymise_due(now)
    assert counts["bookings"] == 1
    rows = {row["reference"]: row for row in await Booking.select(*Booking._meta.columns)}
    gone, kept = rows[old["reference"]], rows[recent["reference"]]
    assert all(gone[name] == "" for name in PERSONAL)
    assert all(gone[name] == before[old["reference"]][name] for name in STATISTICS)
    assert kept["customer_email"] == "matti@example.com"
    assert kept["customer_name"] == "Matti Meikäläinen"
    # The old booking's messages forget their recipient too.
    messages = await OutboxMessage.select().where(
        OutboxMessage.booking_reference == old["reference"]
    )
    assert messages
    assert all(m["recipient"] == "" and m["payload"] == "{}" for m in messages)
    # Idempotent: the next day's run finds nothing more to do.
    assert set((await retention.anonymise_due(now + timedelta(hours=1))).values()) == {0}
    [entry] = await AuditEntry.select().where(AuditEntry.action == "anonymise")
    assert entry["actor"] == "system"


async def test_retention_period_comes_from_the_environment():
    from luukku.settings import Settings

    assert Settings.from_env({}).retention_months == 12
    assert Settings.from_env({"RETENTION_MONTHS": "24"}).retention_months == 24


async def test_staff_views_and_changes_are_audited_and_readable_by_admins_only(
    client: httpx.AsyncClient, advisor: int
):
    booked = await _book(client, "2026-11-24T09:00:00+02:00")
    expert = await staff_headers(client, "aino@example.fi")
    listed = await client.get(
        "/api/v1/staff/me/bookings",
        params={"start": "2026-11-24", "end": "2026-11-24"},
        headers=expert,
    )
    assert listed.status_code == 200
    admin = await staff_headers(client, "admin@example.fi")
    log = await client.get("/api/v1/admin/audit-log", headers=admin)
    assert log.status_code == 200
    [entry] = [e for e in log.json() if e["action"] == "view"]
    me = (await client.get("/api/v1/staff/me", headers=expert)).json()
    assert entry["actor"] == f"staff:{me['id']}"
    assert booked["reference"] in entry["detail"]
    assert (await client.get("/api/v1/admin/audit-log", headers=expert)).status_code == 403
    assert (await client.get("/api/v1/admin/audit-log")).status_code == 401
    # No route changes or removes an entry.
    for method in ("PUT", "PATCH", "DELETE"):
        response = await client.request(method, "/api/v1/admin/audit-log", headers=admin)
        assert response.status_code == 405


async def test_admin_page_lists_the_audit_log(client: httpx.AsyncClient, advisor: int):
    admin = await staff_headers(client, "admin@example.fi")
    from security import audit

    await audit.record("staff:1", "view", "booking:LK-AAAA-AAAA")
    page = await client.get("/staff/admin/audit-log", headers=admin)
    assert page.status_code == 200
    assert "booking:LK-AAAA-AAAA" in page.text


@pytest.mark.postgres
async def test_the_database_refuses_to_change_or_remove_audit_entries(
    advisor: int, is_postgres: bool
):
    if not is_postgres:
        pytest.skip("the append-only trigger is PostgreSQL's")
    from security import audit

    await audit.record("staff:1", "view", "booking:LK-AAAA-AAAA")
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.update({AuditEntry.detail: "forged"}).where(AuditEntry.id > 0)
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.delete().where(AuditEntry.id > 0)


async def test_a_table_without_an_email_is_only_anonymised_by_retention(
    client: httpx.AsyncClient, advisor: int
):
    from security.anonymisers import Anonymiser

    booked = await _book(client, "2026-11-24T09:00:00+02:00")
    by_reference_only = Anonymiser(
        name="notes",
        table=Booking,
        ended_at=Booking.ends_at,
        email=None,
        personal={"staff_notes": "", "message": ""},
    )
    assert await by_reference_only.export("matti@example.com") == []
    assert await by_reference_only.erase("matti@example.com") == 0
    assert await by_reference_only.anonymise_ended_before(datetime(2028, 1, 1, tzinfo=UTC)) == 1
    row = await Booking.select().where(Booking.reference == booked["reference"]).first()
    assert row is not None
    assert row["message"] == ""
    assert row["customer_email"] == "matti@example.com"
