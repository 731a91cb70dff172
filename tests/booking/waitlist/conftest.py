"""A full week with one bookable time, and helpers to join the waitlist through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from testdata.factories import booking_body, make_agency, make_expert, make_service

START = "2026-11-24T10:00:00+02:00"
"""The one bookable time of the week: the expert works Tuesdays 10.00-11.00."""


@pytest.fixture
async def full_week(client: httpx.AsyncClient) -> dict[str, Any]:
    """One expert whose one time of the week is booked; the booking as the API answered."""
    agency = await make_agency()
    await make_expert(agency, hours=[(1, "10:00", "11:00")])
    await make_service(agency)
    booked = await client.post("/api/v1/bookings", json=booking_body(START))
    assert booked.status_code == 201, booked.text
    return dict(booked.json())


def join_body(name: str, email: str, **overrides: object) -> dict[str, object]:
    return {
        "service": "funding-advice",
        "channel": "video",
        "language": "fi",
        "earliest": "2026-11-23",
        "latest": "2026-11-29",
        "customer": {"name": name, "email": email},
    } | overrides


async def join(client: httpx.AsyncClient, name: str, email: str, **body: object) -> dict[str, Any]:
    response = await client.post("/api/v1/waitlist", json=join_body(name, email, **body))
    assert response.status_code == 201, response.text
    return dict(response.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
