"""A service point, three agencies and an interpreter, for the joint-session tests."""

from __future__ import annotations

from datetime import time
from typing import Any

import httpx
import pytest

from calendars.tables import Expert, Room, ServicePoint, ServicePointHours
from staff.accounts import create_staff_user
from testdata.factories import (
    STAFF_PASSWORD,
    make_agency,
    make_expert,
    make_service,
    staff_headers,
)

DAY = "2026-12-01"  # a Tuesday
NINE = "2026-12-01T09:00:00+02:00"
SEARCH = "/api/v1/joint-sessions/search"


@pytest.fixture
async def world(db: None) -> dict[str, Any]:
    city = await make_agency("city-business")
    kela = await make_agency("kela")
    vero = await make_agency("vero")
    interpreting = await make_agency("tulkkaus")
    aino = await make_expert(city, "Aino Virtanen")
    kalle = await make_expert(kela, "Kalle Kela")
    veera = await make_expert(vero, "Veera Vero")
    amira = await make_expert(interpreting, "Amira Tulkki", languages=("ar", "fi"))
    await Expert.update({Expert.kind: "interpreter"}).where(Expert.id == amira)
    await make_service(city, experts=[aino])
    point = ServicePoint(
        slug="kirjasto", name_fi="Kirjasto", name_sv="Bibliotek", name_en="Library"
    )
    await point.save()
    other = ServicePoint(slug="muu", name_fi="Muu", name_sv="Annan", name_en="Other")
    await other.save()
    room = Room(service_point=point.id, slug="etahuone", name="Etähuone")
    await room.save()
    await ServicePointHours.insert(
        *(
            ServicePointHours(
                service_point=point.id, weekday=day, start_time=time(9), end_time=time(15)
            )
            for day in range(5)
        )
    )
    accounts: dict[str, dict[str, Any]] = {
        "clerk@example.fi": {"roles": ["service_point_clerk"], "service_point_id": point.id},
        "other-clerk@example.fi": {"roles": ["service_point_clerk"], "service_point_id": other.id},
        "aino@example.fi": {"roles": ["expert"], "agency_id": city, "expert_id": aino},
        "admin@example.fi": {"roles": ["admin"]},
    }
    for email, fields in accounts.items():
        await create_staff_user(email=email, password=STAFF_PASSWORD, name=email, **fields)
    return {"aino": aino, "kalle": kalle, "veera": veera, "amira": amira, "room": room.id}


def search_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service_point": "kirjasto",
        "agencies": ["city-business", "kela", "vero"],
        "interpreter_language": "ar",
        "duration_minutes": 60,
        "start": DAY,
        "end": DAY,
    }
    return body | overrides


def book_body(slot: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "service_point": "kirjasto",
        "start": slot["start"],
        "end": slot["end"],
        "room": slot["room"],
        "participants": slot["participants"],
        "interpreter_id": slot.get("interpreter_id"),
        "interpreter_language": "ar" if slot.get("interpreter_id") else None,
        "customer": {"name": "Yusuf Ali", "email": "yusuf@example.com", "language": "fi"},
        "matter": "Starttiraha, Kela-tuet ja verokortti yrityksen aloittamiseen",
    }
    return body | overrides


async def search(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> list[Any]:
    response = await client.post(SEARCH, json=search_body(**overrides), headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["slots"])


async def booked_session(client: httpx.AsyncClient) -> dict[str, Any]:
    """The first common time of `search_body()`, booked through the API by the clerk."""
    headers = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, headers)
    booked = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=headers)
    assert booked.status_code == 201, booked.text
    return dict(booked.json())


async def city_colleague_and_admin(world: dict[str, Any]) -> int:
    """Eero Koski, a colleague of Aino's, and the city agency's admin (`city-admin@…`)."""
    city = int((await Expert.select(Expert.agency).where(Expert.id == world["aino"]))[0]["agency"])
    eero = await make_expert(city, "Eero Koski")
    await create_staff_user(
        email="city-admin@example.fi",
        password=STAFF_PASSWORD,
        name="Elina Johtaja",
        roles=["agency_admin"],
        agency_id=city,
    )
    await create_staff_user(
        email="kela-admin@example.fi",
        password=STAFF_PASSWORD,
        name="Kaija Kela",
        roles=["agency_admin"],
        agency_id=int(
            (await Expert.select(Expert.agency).where(Expert.id == world["kalle"]))[0]["agency"]
        ),
    )
    return eero
