"""Authorisation matrix: every staff and admin route × every kind of caller."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from calendars.tables import ServicePoint
from staff.accounts import create_staff_user
from testdata.factories import make_agency, make_expert

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


# Every operation of the OpenAPI document, and what each kind of caller gets. A new route
# without an entry here fails `test_every_route_in_the_openapi_document_has_an_entry`.
# "allowed" means past authentication and authorisation (any answer but 401, 403 or 5xx).
ALLOWED = "allowed"
MATRIX_CALLERS = ("anonymous", "customer", "expert_a", "agency_admin_a", "clerk", "admin")
STAFF_CALLERS = MATRIX_CALLERS[2:]


def _public() -> dict[str, object]:
    return dict.fromkeys(MATRIX_CALLERS, ALLOWED)


def _staff(*roles: str) -> dict[str, object]:
    """Signed-in staff whose role is in `roles` (all staff when none named)."""
    role_of = {
        "expert_a": "expert",
        "agency_admin_a": "agency_admin",
        "clerk": "service_point_clerk",
        "admin": "admin",
    }
    outcome: dict[str, object] = {"anonymous": 401, "customer": 401}
    for caller in STAFF_CALLERS:
        outcome[caller] = ALLOWED if not roles or role_of[caller] in roles else 403
    return outcome


def _manage_token() -> dict[str, object]:
    """The booking's customer with its manage token; a staff token is no manage token."""
    return {"anonymous": 401, "customer": ALLOWED} | dict.fromkeys(STAFF_CALLERS, 404)


def _own_link() -> dict[str, object]:
    """A customer's own emailed link (a waitlist entry): its token, and neither a booking's
    manage token nor a staff token, opens it."""
    return _data_link()


def _data_link() -> dict[str, object]:
    """A customer's emailed data link; neither a manage token nor a staff token is one."""
    outcome: dict[str, object] = {"anonymous": 401}
    return outcome | dict.fromkeys(MATRIX_CALLERS[1:], 404)


ROUTE_MATRIX: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/data-requests"): _public(),
    ("GET", "/api/v1/data-requests/export"): _data_link(),
    ("POST", "/api/v1/data-requests/erase"): _data_link(),
    ("GET", "/healthz"): _public(),
    ("GET", "/readyz"): _public(),
    ("GET", "/api/v1/services"): _public(),
    ("GET", "/api/v1/services/{slug}/slots"): _public(),
    ("POST", "/api/v1/bookings"): _public(),
    ("GET", "/api/v1/bookings/{reference}"): _manage_token(),
    ("POST", "/api/v1/bookings/{reference}/cancel"): _manage_token(),
    ("POST", "/api/v1/bookings/{reference}/reschedule"): _manage_token(),
    ("GET", "/feeds/{feed_file}"): _public(),
    ("GET", "/join/{token}"): _public(),
    ("POST", "/api/v1/auth/login"): _public(),
    # OpenID Connect (issue 20): the token exchange checks the provider's token itself, and
    # the provider's back-channel logout carries a signed logout token, not a Luukku login.
    ("POST", "/api/v1/auth/oidc/token"): _public(),
    ("POST", "/api/v1/auth/oidc/backchannel-logout"): _public(),
    ("POST", "/api/v1/auth/logout"): _staff(),
    ("GET", "/api/v1/staff/me"): _staff(),
    ("GET", "/api/v1/staff/me/bookings"): _staff(),
    ("GET", "/api/v1/staff/absences/{absence_id}/bookings"): _staff(),
    ("POST", "/api/v1/staff/absences/{absence_id}/move-to-substitute"): _staff(),
    ("GET", "/api/v1/staff/me/absences"): _staff("expert"),
    ("POST", "/api/v1/staff/me/absences"): _staff("expert"),
    ("DELETE", "/api/v1/staff/me/absences/{absence_id}"): _staff("expert"),
    ("GET", "/api/v1/staff/me/overrides"): _staff("expert"),
    ("POST", "/api/v1/staff/me/overrides"): _staff("expert"),
    ("DELETE", "/api/v1/staff/me/overrides/{override_id}"): _staff("expert"),
    ("GET", "/api/v1/staff/me/working-hours"): _staff("expert"),
    ("PUT", "/api/v1/staff/me/working-hours"): _staff("expert"),
    ("GET", "/api/v1/staff/me/external-calendars"): _staff("expert"),
    ("POST", "/api/v1/staff/me/external-calendars"): _staff("expert"),
    ("DELETE", "/api/v1/staff/me/external-calendars/{calendar_id}"): _staff("expert"),
    ("POST", "/api/v1/staff/me/external-calendars/{calendar_id}/sync"): _staff("expert"),
    ("GET", "/api/v1/staff/me/feed"): _staff("expert"),
    ("POST", "/api/v1/staff/me/feed/rotate"): _staff("expert"),
    ("GET", "/api/v1/staff/agency/feed"): _staff("agency_admin"),
    ("POST", "/api/v1/staff/agency/feed/rotate"): _staff("agency_admin"),
    ("POST", "/api/v1/admin/agencies"): _staff("admin"),
    ("POST", "/api/v1/admin/service-points"): _staff("admin"),
    ("POST", "/api/v1/admin/experts"): _staff("admin", "agency_admin"),
    ("POST", "/api/v1/admin/experts/{expert_id}/absences"): _staff("admin", "agency_admin"),
    ("POST", "/api/v1/admin/services"): _staff("admin", "agency_admin"),
    ("GET", "/api/v1/admin/audit-log"): _staff("admin"),
    ("POST", "/api/v1/joint-sessions"): _staff("service_point_clerk", "admin"),
    ("POST", "/api/v1/joint-sessions/search"): _staff("service_point_clerk", "admin"),
    ("GET", "/api/v1/joint-sessions/{reference}"): _staff("service_point_clerk", "admin"),
    ("POST", "/api/v1/joint-sessions/{reference}/cancel"): _staff("service_point_clerk", "admin"),
    ("POST", "/api/v1/joint-sessions/{reference}/replace"): _staff("service_point_clerk", "admin"),
    ("POST", "/api/v1/joint-sessions/{reference}/reschedule"): _staff(
        "service_point_clerk", "admin"
    ),
    # Service quality (issue 7): questions are public; the inbox is every staff member's
    # (each sees what their role and topics allow); reports and key customers are for admins.
    ("POST", "/api/v1/contact-requests"): _public(),
    ("GET", "/api/v1/feedback/{reference}/{token}"): _public(),
    ("POST", "/api/v1/feedback/{reference}/{token}"): _public(),
    ("GET", "/api/v1/staff/contact-requests"): _staff(),
    ("GET", "/api/v1/staff/contact-requests/{reference}"): _staff(),
    ("POST", "/api/v1/staff/contact-requests/{reference}/claim"): _staff(),
    ("POST", "/api/v1/staff/contact-requests/{reference}/assign"): _staff(),
    ("POST", "/api/v1/staff/contact-requests/{reference}/reply"): _staff(),
    ("POST", "/api/v1/staff/contact-requests/{reference}/convert"): _staff(),
    ("POST", "/api/v1/staff/contact-requests/{reference}/close"): _staff(),
    ("POST", "/api/v1/staff/bookings/{reference}/outcome"): _staff(),
    ("GET", "/api/v1/admin/key-customers"): _staff("admin", "agency_admin"),
    ("POST", "/api/v1/admin/key-customers"): _staff("admin", "agency_admin"),
    ("DELETE", "/api/v1/admin/key-customers/{key_customer_id}"): _staff("admin", "agency_admin"),
    ("PATCH", "/api/v1/admin/key-customers/{key_customer_id}"): _staff("admin", "agency_admin"),
    ("PUT", "/api/v1/admin/agencies/{slug}/service-hours"): _staff("admin", "agency_admin"),
    ("GET", "/api/v1/admin/reports"): _staff("admin", "agency_admin"),
    ("GET", "/api/v1/admin/reports.csv"): _staff("admin", "agency_admin"),
    # Directory and contact status (issue 17): the directory is public; a request's status
    # needs its own status token, and without it answers as an unknown reference (404).
    ("GET", "/api/v1/experts"): _public(),
    ("GET", "/api/v1/contact-requests/{reference}"): dict.fromkeys(MATRIX_CALLERS, 404),
    ("GET", "/api/v1/staff/me/profile"): _staff("expert"),
    ("PATCH", "/api/v1/staff/me/profile"): _staff("expert"),
    # Administration edits and retires (issue 16): agency admins within their agency.
    ("PATCH", "/api/v1/admin/agencies/{slug}"): _staff("admin", "agency_admin"),
    ("PATCH", "/api/v1/admin/experts/{expert_id}"): _staff("admin", "agency_admin"),
    ("POST", "/api/v1/admin/experts/{expert_id}/password"): _staff("admin", "agency_admin"),
    ("PATCH", "/api/v1/admin/service-points/{slug}"): _staff("admin"),
    ("PATCH", "/api/v1/admin/services/{slug}"): _staff("admin", "agency_admin"),
    # Holds and the waitlist (issue 18): anyone may hold or join; a hold is released with its
    # own token, and an entry is read, left or accepted with its own (no other token opens it).
    ("POST", "/api/v1/holds"): _public(),
    ("DELETE", "/api/v1/holds/{hold_token}"): _public(),
    ("POST", "/api/v1/waitlist"): _public(),
    ("GET", "/api/v1/waitlist/{reference}"): _own_link(),
    ("POST", "/api/v1/waitlist/{reference}/cancel"): _own_link(),
    ("POST", "/api/v1/waitlist/{reference}/accept"): _own_link(),
}


async def _openapi_operations(client: httpx.AsyncClient) -> set[tuple[str, str]]:
    document = (await client.get("/schema/openapi.json")).json()
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


async def test_every_route_in_the_openapi_document_has_an_entry(client: httpx.AsyncClient):
    operations = await _openapi_operations(client)
    assert sorted(operations - set(ROUTE_MATRIX)) == [], "routes missing from ROUTE_MATRIX"
    assert sorted(set(ROUTE_MATRIX) - operations) == [], "ROUTE_MATRIX names unknown routes"


def _concrete(path: str, world: dict[str, Any]) -> str:
    values = {
        "{slug}": "funding-advice",
        "{reference}": world.get("reference", "LK-AAAA-AAAA"),
        "{feed_file}": "no-such-feed.ics",
        "{token}": "no-such-link",
        "{hold_token}": "no-such-hold",
        "{expert_id}": str(world["expert_a"]),
        "{absence_id}": "999999",
        "{override_id}": "999999",
        "{calendar_id}": "999999",
        "{key_customer_id}": "999999",
    }
    for name, value in values.items():
        path = path.replace(name, value)
    return path


@pytest.fixture
async def booked_world(world: dict[str, Any], client: httpx.AsyncClient) -> dict[str, Any]:
    from testdata.factories import booking_body, make_service

    await make_service(await _agency_id("city-business"))
    response = await client.post("/api/v1/bookings", json=booking_body("2026-11-24T09:00:00+02:00"))
    assert response.status_code == 201, response.text
    booking = response.json()
    return world | {"reference": booking["reference"], "manage_token": booking["manage_token"]}


async def _agency_id(slug: str) -> int:
    from calendars.tables import Agency

    row = await Agency.select(Agency.id).where(Agency.slug == slug).first()
    assert row is not None
    return int(row["id"])


# Bodies that pass validation, so the route's own checks answer (others send `{}`).
MATRIX_BODIES: dict[str, object] = {
    "/api/v1/data-requests": {"email": "matti@example.com"},
    "/api/v1/bookings/{reference}/reschedule": {"start": "2026-11-24T11:00:00+02:00"},
    "/api/v1/staff/me/absences": {
        "start": "2026-12-01T08:00:00+02:00",
        "end": "2026-12-01T16:00:00+02:00",
    },
    "/api/v1/staff/me/external-calendars": {"kind": "ics", "url": "http://192.0.2.1/x.ics"},
    "/api/v1/staff/me/overrides": {"date": "2026-12-01"},
    "/api/v1/staff/me/profile": {"bio": {"fi": "Autan rahoituksessa."}},
    "/api/v1/staff/me/working-hours": {"working_hours": []},
}


def _matrix_order(route: tuple[str, str]) -> tuple[bool, str, str]:
    # Signing out ends each caller's token: last.
    return (route[1] == "/api/v1/auth/logout", route[1], route[0])


async def test_each_route_answers_each_caller_as_the_matrix_says(
    client: httpx.AsyncClient, booked_world: dict[str, Any]
):
    headers = {caller: await _headers(client, caller) for caller in CALLERS}
    headers["customer"] = {"Authorization": f"Bearer {booked_world['manage_token']}"}
    mismatches = {}
    for method, path in sorted(ROUTE_MATRIX, key=_matrix_order):
        expected = ROUTE_MATRIX[(method, path)]
        seen: dict[str, object] = {}
        for caller in MATRIX_CALLERS:
            body = MATRIX_BODIES.get(path, {}) if method in {"POST", "PUT", "PATCH"} else None
            response = await client.request(
                method, _concrete(path, booked_world), json=body, headers=headers[caller]
            )
            assert response.status_code < 500, (method, path, caller, response.text)
            status = response.status_code
            seen[caller] = status if status in {401, 403, 404} else ALLOWED
            if expected[caller] == ALLOWED and status == 404:
                seen[caller] = ALLOWED  # an unknown id: past the checks
        if seen != expected:
            mismatches[f"{method} {path}"] = {
                caller: seen[caller]
                for caller in MATRIX_CALLERS
                if seen[caller] != expected[caller]
            }
    assert mismatches == {}, "\n".join(f"{k}: {v}" for k, v in mismatches.items())
