"""Key customers through `PATCH /api/v1/admin/key-customers/{id}`: editing the company and its
manager, deactivating (an inactive key customer routes neither bookings nor contact requests to
its manager), agency isolation, and bad input answered as a problem naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from booking.quality.tables import ContactRequest
from booking.tables import Booking
from security.tables import AuditEntry
from tests.booking.quality.test_contact_requests import submit
from tests.booking.quality.test_feedback import book
from tests.quality_world import COMPANY, Quality

Client = httpx.AsyncClient
OTHER_COMPANY = "0112038-9"


async def named(client: Client, quality: Quality, expert: int) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": COMPANY, "company": "Meikäläinen Oy", "expert_id": expert},
        headers=await quality.headers(client, "boss"),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def edit(client: Client, quality: Quality, key: int, who: str = "boss", **body: Any):
    return await client.patch(
        f"/api/v1/admin/key-customers/{key}", json=body, headers=await quality.headers(client, who)
    )


async def contact_routing(client: Client) -> tuple[str, int | None]:
    created = await submit(client)
    [row] = await ContactRequest.select().where(ContactRequest.reference == created["reference"])
    return row["routing"], row["expert"]


async def booked_expert(client: Client, email: str) -> int:
    reference = await book(client, None, email=email, business_id=COMPANY)
    [row] = await Booking.select(Booking.expert).where(Booking.reference == reference)
    return int(row["expert"])


async def test_an_agency_admin_edits_the_company_and_its_manager(client: Client, quality: Quality):
    key = (await named(client, quality, quality.aino))["id"]
    changed = await edit(
        client, quality, key, company="Meikäläinen Group Oy", expert_id=quality.bertta
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["company"], body["expert_id"], body["expert_name"], body["active"]) == (
        "Meikäläinen Group Oy",
        quality.bertta,
        "Bertta Berg",
        True,
    )
    moved = await edit(client, quality, key, business_id="01120389")
    assert moved.json()["business_id"] == OTHER_COMPANY  # stored in its standard form
    [entry, *_] = await AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    assert (entry["action"], entry["subject"], entry["detail"]) == (
        "change",
        f"company:{OTHER_COMPANY}",
        "edited",
    )
    assert entry["actor"].startswith("staff:")


async def test_an_inactive_key_customer_routes_nothing_to_its_manager(
    client: Client, quality: Quality
):
    key = (await named(client, quality, quality.bertta))["id"]
    assert await contact_routing(client) == ("key_customer", quality.bertta)
    retired = await edit(client, quality, key, active=False)
    assert retired.status_code == 200
    assert retired.json()["active"] is False
    assert await contact_routing(client) == ("queue", None)
    # Without the preference the least loaded, lowest id (Aino) gets an "any expert" time.
    assert await booked_expert(client, "a@example.com") == quality.aino
    [entry, *_] = await AuditEntry.select().order_by(AuditEntry.id, ascending=False)
    assert entry["detail"] == "retired"
    listed = (
        await client.get(
            "/api/v1/admin/key-customers", headers=await quality.headers(client, "boss")
        )
    ).json()
    assert [(k["id"], k["active"]) for k in listed] == [(key, False)]
    again = await edit(client, quality, key, active=True)
    assert again.json()["active"] is True
    assert await contact_routing(client) == ("key_customer", quality.bertta)


async def test_another_agencys_admin_cannot_touch_the_key_customer(
    client: Client, quality: Quality
):
    key = (await named(client, quality, quality.aino))["id"]
    refused = await edit(client, quality, key, "kelaboss", active=False)
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await edit(client, quality, 999999, "boss", active=False)).status_code == 404
    # Nor can the manager become an expert of another agency, even for the admin.
    foreign = await edit(client, quality, key, "admin", expert_id=quality.olli)
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "expert_id"
    listed = (
        await client.get(
            "/api/v1/admin/key-customers", headers=await quality.headers(client, "boss")
        )
    ).json()
    assert [(k["expert_id"], k["active"]) for k in listed] == [(quality.aino, True)]
    expert = await edit(client, quality, key, "aino", active=False)
    assert expert.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"business_id": "1234567-0"}, "business_id"),
        ({"business_id": ""}, "business_id"),
        ({"company": "x" * 201}, "company"),
        ({"company": "a\x00b"}, "company"),
        ({"expert_id": 0}, "expert_id"),
        ({"expert_id": "aino"}, "expert_id"),
        ({"expert_id": 2**40}, "expert_id"),
        ({"active": "no"}, "active"),
        ({"manager": 1}, "manager"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(
    client: Client, quality: Quality, body: dict[str, Any], field: str
):
    key = (await named(client, quality, quality.aino))["id"]
    refused = await edit(client, quality, key, **body)
    assert refused.status_code in (400, 422), refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in refused.json()["errors"]]


async def test_a_business_id_taken_at_the_agency_is_a_conflict(client: Client, quality: Quality):
    key = (await named(client, quality, quality.aino))["id"]
    other = await client.post(
        "/api/v1/admin/key-customers",
        json={"business_id": OTHER_COMPANY, "expert_id": quality.bertta},
        headers=await quality.headers(client, "boss"),
    )
    assert other.status_code == 201
    clash = await edit(client, quality, key, business_id=OTHER_COMPANY)
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "business_id"
