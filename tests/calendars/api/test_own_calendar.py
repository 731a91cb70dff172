"""An expert keeps their own weekly hours, date overrides and absences."""

from __future__ import annotations

import httpx
import pytest

from staff.accounts import create_staff_user
from testdata.factories import STAFF_PASSWORD, make_agency, make_expert, make_service, staff_headers

PASSWORD = STAFF_PASSWORD
SLOTS = "/api/v1/services/funding-advice/slots"


@pytest.fixture
async def aino(client: httpx.AsyncClient, db: None) -> dict[str, str]:
    agency = await make_agency()
    expert = await make_expert(agency, "Aino Virtanen")
    colleague = await make_expert(agency, "Mikko Korhonen", topics=("permits",))
    await make_service(agency)
    await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    await create_staff_user(
        email="mikko@example.fi",
        password=PASSWORD,
        name="Mikko",
        roles=["expert"],
        agency_id=agency,
        expert_id=colleague,
    )
    await create_staff_user(email="admin@example.fi", password=PASSWORD, name="A", roles=["admin"])
    return await staff_headers(client, "aino@example.fi")


async def _starts(client: httpx.AsyncClient, day: str) -> list[str]:
    response = await client.get(SLOTS, params={"start": day, "end": day})
    return [slot["start"][11:16] for slot in response.json()["slots"]]


async def test_replacing_the_week_changes_the_free_times(client, aino):
    week = {
        "working_hours": [
            {"weekday": 1, "start": "12:00", "end": "15:00"},
            {"weekday": 1, "start": "08:00", "end": "10:00"},
        ]
    }
    response = await client.put("/api/v1/staff/me/working-hours", json=week, headers=aino)
    assert response.status_code == 200
    assert response.json() == [
        {"weekday": 1, "start": "08:00", "end": "10:00"},
        {"weekday": 1, "start": "12:00", "end": "15:00"},
    ]
    assert await _starts(client, "2026-12-01") == [
        "08:00",
        "08:30",
        "09:00",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "14:00",
    ]
    assert await _starts(client, "2026-12-02") == []


async def test_overlapping_weekly_intervals_are_refused_and_nothing_changes(client, aino):
    week = {
        "working_hours": [
            {"weekday": 1, "start": "09:00", "end": "12:00"},
            {"weekday": 1, "start": "11:00", "end": "14:00"},
        ]
    }
    response = await client.put("/api/v1/staff/me/working-hours", json=week, headers=aino)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "working_hours"
    assert len((await client.get("/api/v1/staff/me/working-hours", headers=aino)).json()) == 5


async def test_a_closing_override_and_its_removal(client, aino):
    added = await client.post(
        "/api/v1/staff/me/overrides", json={"date": "2026-12-01"}, headers=aino
    )
    assert added.status_code == 201
    assert await _starts(client, "2026-12-01") == []
    shorter = await client.post(
        "/api/v1/staff/me/overrides",
        json={"date": "2026-12-02", "start": "13:00", "end": "15:00"},
        headers=aino,
    )
    assert shorter.status_code == 201
    assert await _starts(client, "2026-12-02") == ["13:00", "13:30", "14:00"]
    removed = await client.delete(f"/api/v1/staff/me/overrides/{added.json()['id']}", headers=aino)
    assert removed.status_code == 204
    assert await _starts(client, "2026-12-01")


async def test_own_absence_blocks_and_only_its_owner_removes_it(client, aino):
    absence = {
        "start": "2026-12-01T09:00:00+02:00",
        "end": "2026-12-01T12:00:00+02:00",
        "reason": "Koulutus",
    }
    added = await client.post("/api/v1/staff/me/absences", json=absence, headers=aino)
    assert added.status_code == 201
    assert (await _starts(client, "2026-12-01"))[0] == "12:00"
    listed = (await client.get("/api/v1/staff/me/absences", headers=aino)).json()
    assert listed[0]["reason"] == "Koulutus"
    mikko = await staff_headers(client, "mikko@example.fi")
    path = f"/api/v1/staff/me/absences/{added.json()['id']}"
    assert (await client.delete(path, headers=mikko)).status_code == 404
    assert (await client.delete(path, headers=aino)).status_code == 204
    assert (await _starts(client, "2026-12-01"))[0] == "09:00"


async def test_staff_without_an_expert_calendar_are_refused(client, aino):
    admin = await staff_headers(client, "admin@example.fi")
    response = await client.get("/api/v1/staff/me/working-hours", headers=admin)
    assert response.status_code == 403
    assert (await client.get("/api/v1/staff/me/absences")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/staff/me/absences/{id}"),
        ("DELETE", "/api/v1/staff/me/overrides/{id}"),
        ("DELETE", "/api/v1/staff/me/external-calendars/{id}"),
        ("POST", "/api/v1/staff/me/external-calendars/{id}/sync"),
        ("GET", "/api/v1/staff/absences/{id}/bookings"),
        ("POST", "/api/v1/staff/absences/{id}/move-to-substitute"),
    ],
)
async def test_an_id_beyond_any_row_answers_400_not_500(client, aino, method, path):
    # Found by the API fuzzer: the driver overflowed on ids wider than the column.
    response = await client.request(method, path.format(id=10**30), headers=aino)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
