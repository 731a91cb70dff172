"""The OpenAPI document tells the truth: each operation lists the problem statuses it can
answer, public operations need no staff token, customer-token operations name their own
scheme, logout answers 204, and bodies that refuse unknown fields say so."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.engine.base import Engine

from app import create_app
from luukku.clock import FixedClock
from luukku.settings import Settings


@pytest.fixture
async def document(
    settings: Settings,
    clock: FixedClock,
    engine: Engine,  # type: ignore[type-arg]
    db: None,
) -> dict[str, Any]:
    """The document as served by a new app after its start-up (which completes it once; the
    session's shared app may have been started before)."""
    app: Litestar = create_app(settings, clock=clock, engine=engine)
    async with AsyncTestClient(app) as client:
        response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][path][method])


def test_public_operations_need_no_staff_token(document: dict[str, Any]):
    for method, path in [
        ("get", "/api/v1/services"),
        ("get", "/api/v1/services/{slug}/slots"),
        ("post", "/api/v1/bookings"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/contact-requests"),
        ("get", "/feeds/{feed_file}"),
        ("get", "/healthz"),
    ]:
        assert _operation(document, method, path)["security"] == [], (method, path)
    assert "security" not in _operation(document, "get", "/api/v1/staff/me")
    assert document["security"] == [{"BearerToken": []}]


def test_customer_token_operations_name_their_own_scheme(document: dict[str, Any]):
    manage = _operation(document, "post", "/api/v1/bookings/{reference}/cancel")
    assert manage["security"] == [{"CustomerToken": []}]
    assert {"401", "404", "409", "429"} <= set(manage["responses"])
    assert document["components"]["securitySchemes"]["CustomerToken"]["scheme"] == "bearer"


def test_problem_statuses_are_documented_where_returned(document: dict[str, Any]):
    book = _operation(document, "post", "/api/v1/bookings")["responses"]
    assert {"201", "400", "404", "409", "413", "415", "422", "429"} <= set(book)
    assert "401" not in book
    assert "application/problem+json" in book["415"]["content"]
    assert "Retry-After" in book["429"]["headers"]
    staff = _operation(document, "post", "/api/v1/staff/me/absences")["responses"]
    assert {"201", "401", "403", "415", "422"} <= set(staff)
    login = _operation(document, "post", "/api/v1/auth/login")["responses"]
    assert {"200", "401", "429"} <= set(login)


def test_logout_is_documented_as_204(document: dict[str, Any]):
    logout = _operation(document, "post", "/api/v1/auth/logout")["responses"]
    assert "204" in logout
    assert "200" not in logout
    assert "content" not in logout["204"]


def test_bodies_refusing_unknown_fields_say_so(document: dict[str, Any]):
    schemas = document["components"]["schemas"]
    for name in ("LoginIn", "BookingCreate", "CustomerIn", "AbsenceIn", "DataRequestIn"):
        assert schemas[name]["additionalProperties"] is False, name
    assert "additionalProperties" not in schemas["BookingOut"]
