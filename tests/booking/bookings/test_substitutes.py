"""Substitutes: bookings caught inside a new absence move to the named substitute in one call."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from booking.tables import Booking, Reservation
from staff.accounts import create_staff_user
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_service,
    staff_headers,
)

PASSWORD = STAFF_PASSWORD


@pytest.fixture
async def team(client: httpx.AsyncClient, db: None) -> dict[str, int]:
    agency = await make_agency()
    aino = await make_expert(agency, "Aino Virtanen")
    mikko = await make_expert(agency, "Mikko Korhonen", topics=("permits",))
    await make_service(agency, experts=[aino])
    await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=aino,
    )
    return {"aino": aino, "mikko": mikko}


async def _aino(client: httpx.AsyncClient) -> dict[str, str]:
    return await staff_headers(client, "aino@example.fi")


async def _absence(client, auth, substitute: int) -> int:
    body = {
        "start": "2026-12-01T00:00:00+02:00",
        "end": "2026-12-02T00:00:00+02:00",
        "reason": "Sairaus",
        "substitute_id": substitute,
    }
    response = await client.post("/api/v1/staff/me/absences", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_bookings_inside_a_new_absence_move_to_the_substitute(client, team):
    booked = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    outside = await client.post("/api/v1/bookings", json=booking_body("2026-12-02T10:00:00+02:00"))
    assert booked.status_code == outside.status_code == 201
    auth = await _aino(client)
    absence = await _absence(client, auth, team["mikko"])

    inside = await client.get(f"/api/v1/staff/absences/{absence}/bookings", headers=auth)
    assert [b["reference"] for b in inside.json()] == [booked.json()["reference"]]

    moved = await client.post(f"/api/v1/staff/absences/{absence}/move-to-substitute", headers=auth)
    assert moved.status_code == 200
    assert moved.json() == {"moved": [booked.json()["reference"]]}
    read = await client.get(
        f"/api/v1/bookings/{booked.json()['reference']}",
        headers={"Authorization": f"Bearer {booked.json()['manage_token']}"},
    )
    assert read.json()["expert"]["id"] == team["mikko"]
    resources = {r["resource"] for r in await Reservation.select(Reservation.resource)}
    assert resources == {f"expert:{team['mikko']}", f"expert:{team['aino']}"}
    [row] = await Booking.select(Booking.sequence).where(
        Booking.reference == booked.json()["reference"]
    )
    assert row["sequence"] == 1


async def test_a_busy_substitute_moves_nothing(client, team):
    booked = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    # Mikko already has something at the same time.
    await Reservation.insert(
        Reservation(
            resource=f"expert:{team['mikko']}",
            starts_at=datetime.fromisoformat("2026-12-01T08:30:00+00:00"),
            ends_at=datetime.fromisoformat("2026-12-01T09:30:00+00:00"),
        )
    )
    auth = await _aino(client)
    absence = await _absence(client, auth, team["mikko"])
    moved = await client.post(f"/api/v1/staff/absences/{absence}/move-to-substitute", headers=auth)
    assert moved.status_code == 409
    assert moved.json()["errors"][0]["field"] == "substitute_id"
    [row] = await Booking.select(Booking.expert).where(
        Booking.reference == booked.json()["reference"]
    )
    assert row["expert"] == team["aino"]
    assert await Reservation.count().where(Reservation.booking.is_not_null()) == 1


async def _slots(client: httpx.AsyncClient, day: str, **params: int) -> dict[str, set[int]]:
    response = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": day, "end": day, **params}
    )
    assert response.status_code == 200, response.text
    return {slot["start"][11:16]: set(slot["experts"]) for slot in response.json()["slots"]}


async def test_while_absent_the_substitute_takes_the_experts_bookings(client, team):
    auth = await _aino(client)
    assert set().union(*(await _slots(client, "2026-12-01")).values()) == {team["aino"]}
    await _absence(client, auth, team["mikko"])

    # Mikko does not give the service, yet stands in for Aino on her day away, and only then.
    during = await _slots(client, "2026-12-01")
    assert during
    assert set().union(*during.values()) == {team["mikko"]}
    assert set().union(*(await _slots(client, "2026-12-02")).values()) == {team["aino"]}
    named = await _slots(client, "2026-12-01", expert_id=team["aino"])
    assert named == during

    booked = await client.post(
        "/api/v1/bookings",
        json=booking_body("2026-12-01T10:00:00+02:00", expert_id=team["aino"]),
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["expert"]["id"] == team["mikko"]
    after = await client.post("/api/v1/bookings", json=booking_body("2026-12-02T10:00:00+02:00"))
    assert after.json()["expert"]["id"] == team["aino"]


async def test_an_absence_without_substitute_closes_the_experts_times(client, team):
    auth = await _aino(client)
    body = {"start": "2026-12-01T00:00:00+02:00", "end": "2026-12-02T00:00:00+02:00"}
    response = await client.post("/api/v1/staff/me/absences", json=body, headers=auth)
    assert response.status_code == 201
    assert await _slots(client, "2026-12-01") == {}
    refused = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    assert refused.status_code == 409
