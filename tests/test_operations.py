"""Operator contract: health probes, OpenAPI, demo data."""

from __future__ import annotations

import httpx

from booking.demo.seed import seed_demo_data
from booking.tables import Service
from calendars.tables import Agency, Expert, WorkingHours


async def test_healthz_answers_without_the_database(client: httpx.AsyncClient):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_when_the_database_does(client: httpx.AsyncClient):
    response = await client.get("/readyz")
    assert response.status_code == 200


async def test_openapi_describes_every_public_route(client: httpx.AsyncClient):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/services",
        "/api/v1/services/{slug}/slots",
        "/api/v1/bookings",
        "/api/v1/bookings/{reference}",
        "/api/v1/bookings/{reference}/cancel",
        "/api/v1/bookings/{reference}/reschedule",
    ):
        assert path in paths


async def test_demo_data_is_idempotent_and_bookable(client: httpx.AsyncClient, db: None):
    await seed_demo_data()
    counts = [await t.count() for t in (Agency, Expert, WorkingHours, Service)]
    summary = await seed_demo_data()
    assert summary.startswith("Demo data: created 0 rows")
    assert [await t.count() for t in (Agency, Expert, WorkingHours, Service)] == counts
    assert counts[:2] == [5, 14]  # with the interpreting agency and its two interpreters

    services = (await client.get("/api/v1/services")).json()
    assert {s["agency"]["slug"] for s in services} == {
        "city-business",
        "kela",
        "vero",
        "te-services",
    }
    for service in services:
        slots = await client.get(
            f"/api/v1/services/{service['slug']}/slots",
            params={"start": "2026-11-30", "end": "2026-12-11"},
        )
        assert slots.json()["slots"], f"{service['slug']} has no free times"
