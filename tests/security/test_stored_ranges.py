"""Instants and ids beyond what Luukku keeps: refused at the edge naming the field, and what
is stored already (an absence from year 1, `-infinity` on PostgreSQL) breaks no page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from calendars.tables import Absence, ExternalBusy, ExternalCalendar
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
from tests.frontend.conftest import EXPERT_PASSWORD, sign_in

TUESDAY = "2026-11-24"
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
YEAR_ONE_TEN_PAST = datetime(1, 1, 1, 0, 10, tzinfo=UTC)
FAR = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)


@pytest.fixture
async def team(db: None) -> dict[str, int]:
    agency = await make_agency()
    aino = await make_expert(agency, "Aino Virtanen")
    mikko = await make_expert(agency, "Mikko Korhonen")
    await make_service(agency)
    await make_expert_login(aino, "aino@example.fi", EXPERT_PASSWORD)
    await create_staff_user(
        email="admin@example.fi", password=STAFF_PASSWORD, name="Admin", roles=["admin"]
    )
    return {"agency": agency, "aino": aino, "mikko": mikko}


def _problem_fields(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01T00:00:00+00:00", "2026-12-02T00:00:00+02:00", "start"),
        ("0001-01-01T00:10:00+00:00", "2026-12-02T00:00:00+02:00", "start"),
        ("2026-12-01T00:00:00+02:00", "9999-12-31T23:59:59+00:00", "end"),
        ("1999-12-31T23:00:00+00:00", "2026-12-02T00:00:00+02:00", "start"),
    ],
)
async def test_an_absence_outside_2000_to_2100_is_422_naming_the_field(
    client: httpx.AsyncClient, team: dict[str, int], start: str, end: str, field: str
):
    admin = await staff_headers(client, "admin@example.fi")
    aino = await staff_headers(client, "aino@example.fi", EXPERT_PASSWORD)
    body = {"start": start, "end": end, "reason": "x"}
    answers = [
        await client.post(
            f"/api/v1/admin/experts/{team['aino']}/absences", json=body, headers=admin
        ),
        await client.post("/api/v1/staff/me/absences", json=body, headers=aino),
    ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert _problem_fields(answer) == {field}
    assert await Absence.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/bookings", booking_body("0001-01-01T00:10:00+00:00")),
        ("POST", "/api/v1/bookings", booking_body("2100-01-01T10:00:00+02:00")),
    ],
)
async def test_a_booking_outside_2000_to_2100_is_422_naming_start(
    client: httpx.AsyncClient, team: dict[str, int], method: str, path: str, body: Any
):
    answer = await client.request(method, path, json=body)
    assert answer.status_code == 422, answer.text
    assert _problem_fields(answer) == {"start"}


@pytest.fixture
async def stored_from_year_one(team: dict[str, int]) -> dict[str, int]:
    """What the checks now refuse, stored before they existed: Aino away from year 1 (and
    from ten past midnight of year 1) until Tuesday, Mikko busy in his calendar until 9999."""
    for starts_at in (YEAR_ONE, YEAR_ONE_TEN_PAST):
        await Absence(
            expert=team["aino"], starts_at=starts_at, ends_at=datetime(2026, 11, 23, tzinfo=UTC)
        ).save()
    calendar = ExternalCalendar(
        expert=team["mikko"], kind="ics", url="https://calendar.example/m.ics"
    )
    await calendar.save()
    await ExternalBusy(
        calendar=calendar.id,
        expert=team["mikko"],
        starts_at=datetime(2026, 11, 25, tzinfo=UTC),
        ends_at=FAR,
    ).save()
    return team


async def test_absences_stored_from_year_one_break_no_search_booking_or_page(
    client: httpx.AsyncClient, stored_from_year_one: dict[str, int]
):
    team = stored_from_year_one
    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": TUESDAY, "end": TUESDAY}
    )
    assert slots.status_code == 200, slots.text
    assert {e for slot in slots.json()["slots"] for e in slot["experts"]} == {
        team["aino"],
        team["mikko"],
    }
    booked = await client.post("/api/v1/bookings", json=booking_body(f"{TUESDAY}T10:00:00+02:00"))
    assert booked.status_code == 201, booked.text
    page = await client.get("/services/funding-advice", params={"date": TUESDAY})
    assert page.status_code == 200, page.text

    aino = await staff_headers(client, "aino@example.fi", EXPERT_PASSWORD)
    own = await client.get("/api/v1/staff/me/absences", headers=aino)
    assert own.status_code == 200, own.text
    assert {row["start"][:4] for row in own.json()} == {"2000"}
    admin = await staff_headers(client, "admin@example.fi")
    report = await client.get(
        "/api/v1/admin/reports", params={"start": "2026-11-01", "end": "2026-11-30"}, headers=admin
    )
    assert report.status_code == 200, report.text


async def test_the_staff_calendar_shows_an_absence_from_year_one(
    app: Any, stored_from_year_one: dict[str, int]
):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as browser:
        await sign_in(browser, "aino@example.fi")
        for path in ("/staff/calendar", "/staff/absences"):
            page = await browser.get(path, params={"week": "2026-11-16"} if "cal" in path else {})
            assert page.status_code == 200, f"{path}: {page.text[-500:]}"


SERVICE = {
    "slug": "permit-advice",
    "agency": "city-business",
    "name": {"fi": "Lupaneuvonta", "sv": "Tillståndsrådgivning", "en": "Permit advice"},
    "duration_minutes": 45,
    "channels": ["video"],
}
ABSENCE = {"start": "2026-12-01T09:00:00+02:00", "end": "2026-12-01T12:00:00+02:00"}


@pytest.mark.parametrize(
    ("method", "path", "request_kwargs", "field"),
    [
        ("GET", "/api/v1/admin/audit-log", {"params": {"before": 4198926877}}, "before"),
        ("GET", "/api/v1/admin/audit-log", {"params": {"before": 0}}, "before"),
        ("POST", "/api/v1/admin/services", {"json": SERVICE | {"experts": [2**31]}}, "experts.0"),
        ("POST", "/api/v1/admin/experts/{aino}/absences",
         {"json": ABSENCE | {"substitute_id": 2**31}}, "substitute_id"),
        ("POST", "/api/v1/admin/experts/{aino}/absences",
         {"json": ABSENCE | {"substitute_id": 2**63}}, "substitute_id"),
        ("POST", "/api/v1/admin/experts/2147483648/absences", {"json": ABSENCE}, "expert_id"),
        ("GET", "/api/v1/services/funding-advice/slots",
         {"params": {"start": TUESDAY, "end": TUESDAY, "expert": 2**31}}, "expert"),
        ("POST", "/api/v1/bookings", {"json": booking_body(f"{TUESDAY}T10:00:00+02:00",
                                                           expert_id=2**31)}, "expert_id"),
        ("POST", "/api/v1/joint-sessions/LK-0000-0000/replace",
         {"json": {"expert_id": 2**31, "replacement_id": 1}}, "expert_id"),
    ],
)  # fmt: skip
async def test_an_id_or_cursor_beyond_its_column_names_the_field(
    client: httpx.AsyncClient,
    team: dict[str, int],
    method: str,
    path: str,
    request_kwargs: dict[str, Any],
    field: str,
):
    admin = await staff_headers(client, "admin@example.fi")
    answer = await client.request(
        method, path.format(aino=team["aino"]), headers=admin, **request_kwargs
    )
    assert answer.status_code == 400, answer.text
    assert _problem_fields(answer) == {field}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/admin/reports?start={day}&end={day}", "start"),
        ("/api/v1/admin/reports.csv?start={day}&end={day}", "start"),
        ("/api/v1/staff/me/overrides", "date"),
    ],
)
async def test_a_date_outside_2000_to_2100_is_422_naming_the_field(
    client: httpx.AsyncClient, team: dict[str, int], day: str, path: str, field: str
):
    admin = await staff_headers(client, "admin@example.fi")
    aino = await staff_headers(client, "aino@example.fi", EXPERT_PASSWORD)
    if path.endswith("overrides"):
        answer = await client.post(path, json={"date": day}, headers=aino)
    else:
        answer = await client.get(path.format(day=day), headers=admin)
    assert answer.status_code == 422, answer.text
    assert _problem_fields(answer) == {field}


@pytest.mark.parametrize("query", ["week=0001-01-01", "day=9999-12-31"])
async def test_the_staff_calendar_of_year_one_or_9999_is_refused_not_a_500(
    app: Any, team: dict[str, int], query: str
):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as browser:
        await sign_in(browser, "aino@example.fi")
        page = await browser.get(f"/staff/calendar?{query}")
    assert page.status_code == 422, page.text[-300:]
