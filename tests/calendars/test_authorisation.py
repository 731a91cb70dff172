"""Authorisation matrix: every staff and admin route × every kind of caller."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from calendars.accounts import create_staff_user
from calendars.tables import ServicePoint
from tests.factories import make_agency, make_expert

PASSWORD = "correct horse battery"
CALLERS = ("anonymous", "expert_a", "expert_b", "agency_admin_a", "clerk", "admin")
_unique = itertools.count()


@pytest.fixture
async def world(db: None) -> dict[str, Any]:
    city = await make_agency("city-business")
    kela = await make_agency("kela")
    expert_a = await make_expert(city, "Aino Virtanen")
    expert_b = await make_expert(kela, "Riikka Salonen")
    point = ServicePoint(slug="point", name_fi="Piste", name_sv="Punkt", name_en="Point")
    await point.save()
    accounts: dict[str, dict[str, Any]] = {
        "expert_a": dict(roles=["expert"], agency_id=city, expert_id=expert_a),
        "expert_b": dict(roles=["expert"], agency_id=kela, expert_id=expert_b),
        "agency_admin_a": dict(roles=["agency_admin"], agency_id=city),
        "clerk": dict(roles=["service_point_clerk"], service_point_id=point.id),
        "admin": dict(roles=["admin"]),
    }
    for name, fields in accounts.items():
        await create_staff_user(email=f"{name}@example.fi", password=PASSWORD, name=name, **fields)
    return {"expert_a": expert_a, "expert_b": expert_b}


async def _headers(client: httpx.AsyncClient, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    response = await client.post(
        "/api/v1/auth/login", json={"email": f"{caller}@example.fi", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _expert_body(agency: str) -> dict[str, Any]:
    n = next(_unique)
    return {
        "agency": agency,
        "name": f"New Expert {n}",
        "email": f"new{n}@example.fi",
        "password": "a long enough password",
        "languages": ["fi"],
        "channels": ["video"],
        "topics": ["funding"],
        "working_hours": [{"weekday": 0, "start": "09:00", "end": "16:00"}],
    }


def _service_body(agency: str) -> dict[str, Any]:
    n = next(_unique)
    return {
        "slug": f"service-{n}",
        "agency": agency,
        "name": {"fi": "Palvelu", "sv": "Tjänst", "en": "Service"},
        "duration_minutes": 45,
        "channels": ["video"],
        "topics": ["funding"],
    }


def _absence(expert_key: str) -> Callable[[dict[str, Any]], tuple[str, str, dict[str, Any]]]:
    def route(world: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        body = {"start": "2026-12-01T08:00:00+02:00", "end": "2026-12-01T16:00:00+02:00"}
        return "POST", f"/api/v1/admin/experts/{world[expert_key]}/absences", body

    return route


ROUTES: dict[str, tuple[Callable[[dict[str, Any]], tuple[str, str, Any]], tuple[int, ...]]] = {
    # route: (request, expected status for each caller in CALLERS order)
    "staff me": (lambda w: ("GET", "/api/v1/staff/me", None), (401, 200, 200, 200, 200, 200)),
    "my bookings": (
        lambda w: ("GET", "/api/v1/staff/me/bookings?start=2026-12-01&end=2026-12-07", None),
        (401, 200, 200, 200, 200, 200),
    ),
    "own feed address": (
        lambda w: ("GET", "/api/v1/staff/me/feed", None),
        (401, 200, 200, 403, 403, 403),
    ),
    "rotate own feed": (
        lambda w: ("POST", "/api/v1/staff/me/feed/rotate", None),
        (401, 200, 200, 403, 403, 403),
    ),
    "agency feed address": (
        lambda w: ("GET", "/api/v1/staff/agency/feed", None),
        (401, 403, 403, 200, 403, 403),
    ),
    "rotate agency feed": (
        lambda w: ("POST", "/api/v1/staff/agency/feed/rotate", None),
        (401, 403, 403, 200, 403, 403),
    ),
    "joint-session search": (
        lambda w: (
            "POST",
            "/api/v1/joint-sessions/search",
            {
                "service_point": "point",
                "agencies": ["city-business", "kela"],
                "duration_minutes": 60,
                "start": "2026-12-01",
                "end": "2026-12-01",
            },
        ),
        (401, 403, 403, 403, 200, 200),
    ),
    "read a joint session": (
        lambda w: ("GET", "/api/v1/joint-sessions/LK-AAAA-AAAA", None),
        (401, 403, 403, 403, 404, 404),
    ),
    "create agency": (
        lambda w: (
            "POST",
            "/api/v1/admin/agencies",
            {"slug": f"agency-{next(_unique)}", "name": {"fi": "V", "sv": "V", "en": "V"}},
        ),
        (401, 403, 403, 403, 403, 201),
    ),
    "create expert in own agency": (
        lambda w: ("POST", "/api/v1/admin/experts", _expert_body("city-business")),
        (401, 403, 403, 201, 403, 201),
    ),
    "create expert in another agency": (
        lambda w: ("POST", "/api/v1/admin/experts", _expert_body("kela")),
        (401, 403, 403, 403, 403, 201),
    ),
    "absence of own agency's expert": (_absence("expert_a"), (401, 403, 403, 201, 403, 201)),
    "absence of another agency's expert": (_absence("expert_b"), (401, 403, 403, 404, 403, 201)),
    "create service in own agency": (
        lambda w: ("POST", "/api/v1/admin/services", _service_body("city-business")),
        (401, 403, 403, 201, 403, 201),
    ),
    "create service in another agency": (
        lambda w: ("POST", "/api/v1/admin/services", _service_body("kela")),
        (401, 403, 403, 403, 403, 201),
    ),
    "create service point": (
        lambda w: (
            "POST",
            "/api/v1/admin/service-points",
            {
                "slug": f"point-{next(_unique)}",
                "name": {"fi": "P", "sv": "P", "en": "P"},
                "address": "Katu 1",
                "rooms": [{"slug": "r1", "name": "Huone 1"}],
                "opening_hours": [{"weekday": 0, "start": "09:00", "end": "16:00"}],
            },
        ),
        (401, 403, 403, 403, 403, 201),
    ),
}


@pytest.mark.parametrize("route", list(ROUTES))
async def test_route_answers_each_caller_as_its_role_allows(
    client: httpx.AsyncClient, world: dict[str, Any], route: str
):
    make_request, expected = ROUTES[route]
    seen = []
    for caller in CALLERS:
        method, path, body = make_request(world)
        response = await client.request(
            method, path, json=body, headers=await _headers(client, caller)
        )
        seen.append(response.status_code)
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert dict(zip(CALLERS, seen, strict=True)) == dict(zip(CALLERS, expected, strict=True))


async def test_admin_built_expert_and_service_are_bookable_and_absence_blocks(
    client: httpx.AsyncClient, world: dict[str, Any]
):
    admin = await _headers(client, "admin")
    body = _expert_body("city-business") | {
        "working_hours": [{"weekday": 1, "start": "09:00", "end": "12:00"}]
    }
    created = await client.post("/api/v1/admin/experts", json=body, headers=admin)
    assert created.status_code == 201
    expert = created.json()["id"]
    service = _service_body("city-business") | {"experts": [expert], "topics": []}
    assert (
        await client.post("/api/v1/admin/services", json=service, headers=admin)
    ).status_code == 201

    slots_url = f"/api/v1/services/{service['slug']}/slots"
    params = {"start": "2026-12-01", "end": "2026-12-01"}
    starts = [s["start"] for s in (await client.get(slots_url, params=params)).json()["slots"]]
    assert starts[0] == "2026-12-01T09:00:00+02:00"

    absence = {"start": "2026-12-01T00:00:00+02:00", "end": "2026-12-02T00:00:00+02:00"}
    added = await client.post(
        f"/api/v1/admin/experts/{expert}/absences", json=absence, headers=admin
    )
    assert added.status_code == 201
    assert (await client.get(slots_url, params=params)).json()["slots"] == []
    login = await client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    assert login.status_code == 200


async def test_admin_input_errors_name_the_field(client: httpx.AsyncClient, world: dict[str, Any]):
    admin = await _headers(client, "admin")
    body = _expert_body("city-business") | {
        "working_hours": [{"weekday": 1, "start": "12:00", "end": "09:00"}]
    }
    response = await client.post("/api/v1/admin/experts", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "working_hours.0.end"
    unknown = await client.post(
        "/api/v1/admin/experts", json=_expert_body("no-such-agency"), headers=admin
    )
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "agency"
