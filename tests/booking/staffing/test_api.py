"""Editing and retiring through the admin API (booking/staffing/api.py, calendars/api/admin.py,
booking/catalogue/api.py): every PATCH, `active` and password route, and agency isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from calendars.tables import ServicePoint
from staff.accounts import create_staff_user
from testdata.factories import (
    STAFF_PASSWORD,
    booking_body,
    make_agency,
    make_expert,
    make_expert_login,
    make_service,
    staff_headers,
)


@pytest.fixture
async def world(db: None) -> dict[str, Any]:
    city = await make_agency("city-business")
    kela = await make_agency("kela")
    aino = await make_expert(city, "Aino Virtanen")
    eero = await make_expert(city, "Eero Koski")
    riikka = await make_expert(kela, "Riikka Salonen")
    await make_expert_login(aino, "aino@example.fi", STAFF_PASSWORD)
    await make_service(city, "funding-advice", experts=[aino])
    await make_service(kela, "kela-advice")
    point = ServicePoint(slug="point", name_fi="Piste", name_sv="Punkt", name_en="Point")
    await point.save()
    await create_staff_user(
        email="admin@example.fi", password=STAFF_PASSWORD, name="Admin", roles=["admin"]
    )
    await create_staff_user(
        email="city-admin@example.fi",
        password=STAFF_PASSWORD,
        name="City admin",
        roles=["agency_admin"],
        agency_id=city,
    )
    return {"aino": aino, "eero": eero, "riikka": riikka}


async def test_an_admin_edits_an_expert_and_every_field_left_out_keeps_its_value(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "admin@example.fi")
    response = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}",
        json={
            "name": "Aino Virtanen-Koski",
            "languages": ["fi", "sv"],
            "bio": {"fi": "Rahoitus", "sv": "Finansiering", "en": "Funding"},
            "working_hours": [{"weekday": 1, "start": "10:00", "end": "14:00"}],
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Aino Virtanen-Koski"
    assert body["languages"] == ["fi", "sv"]
    assert body["channels"] == ["in_person", "phone", "video"]
    assert body["bio"]["sv"] == "Finansiering"
    assert body["working_hours"] == [{"weekday": 1, "start": "10:00", "end": "14:00"}]
    assert body["active"] is True


async def test_a_retired_expert_has_no_slots_cannot_sign_in_and_their_bookings_are_listed(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    booked = await client.post("/api/v1/bookings", json=booking_body("2026-11-25T10:00:00+02:00"))
    assert booked.status_code == 201, booked.text
    admin = await staff_headers(client, "admin@example.fi")
    retired = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}", json={"active": False}, headers=admin
    )
    assert retired.status_code == 200
    assert retired.json()["active"] is False
    assert retired.json()["future_bookings"] == [booked.json()["reference"]]
    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-26", "end": "2026-11-27"}
    )
    assert slots.json()["slots"] == []
    login = await client.post(
        "/api/v1/auth/login", json={"email": "aino@example.fi", "password": STAFF_PASSWORD}
    )
    assert login.status_code == 401


async def test_a_password_reset_ends_the_old_session_and_the_new_password_signs_in(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    old_session = await staff_headers(client, "aino@example.fi")
    assert (await client.get("/api/v1/staff/me", headers=old_session)).status_code == 200
    admin = await staff_headers(client, "admin@example.fi")
    reset = await client.post(
        f"/api/v1/admin/experts/{world['aino']}/password",
        json={"password": "a brand new passphrase"},
        headers=admin,
    )
    assert reset.status_code == 204
    assert (await client.get("/api/v1/staff/me", headers=old_session)).status_code == 401
    new_session = await staff_headers(client, "aino@example.fi", "a brand new passphrase")
    assert (await client.get("/api/v1/staff/me", headers=new_session)).status_code == 200


async def test_a_short_password_is_refused_naming_the_field(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "admin@example.fi")
    response = await client.post(
        f"/api/v1/admin/experts/{world['aino']}/password", json={"password": "short"}, headers=admin
    )
    assert response.status_code == 400
    assert "password" in response.text


async def test_a_retired_service_leaves_the_catalogue_and_keeps_its_settings(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "city-admin@example.fi")
    response = await client.patch(
        "/api/v1/admin/services/funding-advice",
        json={"active": False, "duration_minutes": 45, "experts": [world["eero"]]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    assert response.json()["duration_minutes"] == 45
    assert response.json()["experts"] == [world["eero"]]
    assert (await client.get("/api/v1/services/funding-advice")).status_code == 404
    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-26", "end": "2026-11-26"}
    )
    assert slots.status_code == 404


async def test_an_agency_is_renamed_given_a_business_mailbox_and_retired(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "admin@example.fi")
    response = await client.patch(
        "/api/v1/admin/agencies/kela",
        json={
            "name": {"fi": "Kela", "sv": "FPA", "en": "Kela"},
            "business_services_email": "yrityspalvelut@example.fi",
            "active": False,
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "slug": "kela",
        "name": {"fi": "Kela", "sv": "FPA", "en": "Kela"},
        "active": False,
        "business_services_email": "yrityspalvelut@example.fi",
    }


async def test_a_service_point_room_left_out_is_deactivated_not_deleted(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "admin@example.fi")
    first = await client.patch(
        "/api/v1/admin/service-points/point",
        json={
            "address": "Torikatu 1",
            "rooms": [{"slug": "a", "name": "Huone A"}, {"slug": "b", "name": "Huone B"}],
            "opening_hours": [{"weekday": 0, "start": "08:00", "end": "16:00"}],
        },
        headers=admin,
    )
    assert first.status_code == 200, first.text
    second = await client.patch(
        "/api/v1/admin/service-points/point",
        json={"rooms": [{"slug": "a", "name": "Huone A"}], "active": False},
        headers=admin,
    )
    assert second.json()["rooms"] == [
        {"slug": "a", "name": "Huone A", "active": True},
        {"slug": "b", "name": "Huone B", "active": False},
    ]
    assert second.json()["address"] == "Torikatu 1"
    assert second.json()["active"] is False


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/v1/admin/experts/{riikka}", {"name": "X"}),
        ("PATCH", "/api/v1/admin/experts/{riikka}", {"active": False}),
        ("POST", "/api/v1/admin/experts/{riikka}/password", {"password": "long enough pass"}),
        ("PATCH", "/api/v1/admin/services/kela-advice", {"active": False}),
        ("PATCH", "/api/v1/admin/agencies/kela", {"business_services_email": "x@example.fi"}),
    ],
)
async def test_an_agency_admin_cannot_touch_another_agencys_objects(
    client: httpx.AsyncClient, world: dict[str, Any], method: str, path: str, body: dict[str, Any]
) -> None:
    headers = await staff_headers(client, "city-admin@example.fi")
    response = await client.request(method, path.format(**world), json=body, headers=headers)
    assert response.status_code == 404, response.text


async def test_only_admins_edit_service_points_and_experts_cannot_edit_anything(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    city_admin = await staff_headers(client, "city-admin@example.fi")
    expert = await staff_headers(client, "aino@example.fi")
    point = await client.patch(
        "/api/v1/admin/service-points/point", json={"address": "x"}, headers=city_admin
    )
    assert point.status_code == 403
    own = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}", json={"name": "Me"}, headers=expert
    )
    assert own.status_code == 403
    anonymous = await client.patch("/api/v1/admin/agencies/kela", json={"active": False})
    assert anonymous.status_code == 401


async def test_an_unknown_field_or_a_bad_value_is_refused_naming_the_field(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    admin = await staff_headers(client, "admin@example.fi")
    unknown = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}", json={"password": "x" * 12}, headers=admin
    )
    assert unknown.status_code == 400
    assert "password" in unknown.text
    bad = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}", json={"channels": ["fax"]}, headers=admin
    )
    assert bad.status_code == 422
    assert "channels" in bad.text
