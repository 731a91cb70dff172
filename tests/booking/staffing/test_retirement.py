"""Retiring an expert who takes part in joint remote sessions: the sessions are listed (in the
PATCH answer too) and the expert's agency admin puts a colleague in their place."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from booking.joint.changes import replace_participant, stand_ins
from booking.joint.tables import JointParticipant
from booking.staffing.retirement import future_joint_sessions
from luukku.clock import FixedClock
from luukku.problems import NotFound
from luukku.settings import Settings
from staff.accounts import StaffMember, active_member_with_email
from testdata.factories import staff_headers
from tests.joint_world import booked_session, city_colleague_and_admin

Client = httpx.AsyncClient


async def _member(email: str) -> StaffMember:
    member = await active_member_with_email(email)
    assert member is not None
    return member


async def test_retiring_lists_the_experts_future_joint_sessions(
    client: Client, world: dict[str, Any]
):
    session = await booked_session(client)
    await city_colleague_and_admin(world)
    boss = await staff_headers(client, "city-admin@example.fi")
    retired = await client.patch(
        f"/api/v1/admin/experts/{world['aino']}", json={"active": False}, headers=boss
    )
    assert retired.status_code == 200, retired.text
    assert retired.json()["future_joint_sessions"] == [session["reference"]]
    assert retired.json()["future_bookings"] == []
    other = await client.patch(
        f"/api/v1/admin/experts/{world['veera']}",
        json={},
        headers=await staff_headers(client, "admin@example.fi"),
    )
    assert other.json()["future_joint_sessions"] == [session["reference"]]


async def test_the_agency_admin_replaces_their_expert_and_no_one_elses(
    client: Client, world: dict[str, Any], settings: Settings, clock: FixedClock
):
    session = await booked_session(client)
    eero = await city_colleague_and_admin(world)
    reference = session["reference"]
    city_admin = await _member("city-admin@example.fi")
    [view] = await future_joint_sessions(city_admin, world["aino"], settings, clock.now())
    assert view.reference == reference
    assert await stand_ins(reference, city_admin, world["aino"]) == {
        world["aino"]: [(eero, "Eero Koski")]
    }
    # Another agency's participant is not the city admin's to replace, nor to know about.
    with pytest.raises(NotFound):
        await stand_ins(reference, city_admin, world["kalle"])
    with pytest.raises(NotFound):
        await replace_participant(
            reference, world["kalle"], None, city_admin, settings, clock.now()
        )
    kela_admin = await _member("kela-admin@example.fi")
    with pytest.raises(NotFound):
        await future_joint_sessions(kela_admin, world["aino"], settings, clock.now())
    with pytest.raises(NotFound):
        await replace_participant(reference, world["aino"], eero, kela_admin, settings, clock.now())
    replaced = await replace_participant(
        reference, world["aino"], None, city_admin, settings, clock.now()
    )
    assert replaced.participants[0].expert_id == eero
    assert await future_joint_sessions(city_admin, world["aino"], settings, clock.now()) == []
    experts = {row["expert"] for row in await JointParticipant.select(JointParticipant.expert)}
    assert world["aino"] not in experts
