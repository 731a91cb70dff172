"""The expert administration page over HTTP: a retiring expert's future joint remote sessions
are listed with who could stand in, and the agency admin puts a colleague in their place."""

from __future__ import annotations

from typing import Any

import httpx

from booking.joint.tables import JointParticipant
from testdata.factories import STAFF_PASSWORD
from tests.frontend.conftest import csrf_token
from tests.joint_world import booked_session, city_colleague_and_admin

Client = httpx.AsyncClient


async def _sign_in(client: Client, email: str) -> None:
    form = await client.get("/staff/login", params={"lang": "fi"})
    response = await client.post(
        "/staff/login",
        data={"_csrf_token": csrf_token(form.text), "email": email, "password": STAFF_PASSWORD},
    )
    assert response.status_code == 303


async def test_the_retire_page_lists_joint_sessions_and_replaces_the_expert(
    browser_client: Client, client: Client, world: dict[str, Any]
):
    session = await booked_session(client)
    eero = await city_colleague_and_admin(world)
    await _sign_in(browser_client, "city-admin@example.fi")
    page = f"/staff/admin/experts/{world['aino']}"
    shown = await browser_client.get(page)
    assert shown.status_code == 200
    assert session["reference"] in shown.text
    assert f'<option value="{eero}">Eero Koski</option>' in shown.text
    action = f"{page}/joint-sessions/{session['reference']}"
    token = csrf_token(shown.text)
    bad = await browser_client.post(action, data={"_csrf_token": token, "replacement": "x"})
    assert bad.status_code == 422
    assert 'id="joint_sessions"' in bad.text
    foreign = await browser_client.post(
        action, data={"_csrf_token": token, "replacement": str(world["kalle"])}
    )
    assert foreign.status_code == 422
    replaced = await browser_client.post(
        action, data={"_csrf_token": token, "replacement": str(eero)}
    )
    assert replaced.status_code == 303
    assert replaced.headers["location"] == f"{page}?done=replaced#joint-sessions"
    after = await browser_client.get(replaced.headers["location"])
    assert "Osallistuja vaihdettiin" in after.text
    assert "Ei tulevia etäasiointeja." in after.text
    experts = {row["expert"] for row in await JointParticipant.select(JointParticipant.expert)}
    assert eero in experts
    assert world["aino"] not in experts


async def test_another_agencys_admin_cannot_replace_the_expert(
    browser_client: Client, client: Client, world: dict[str, Any]
):
    session = await booked_session(client)
    await city_colleague_and_admin(world)
    await _sign_in(browser_client, "kela-admin@example.fi")
    mine = await browser_client.get(f"/staff/admin/experts/{world['kalle']}")
    assert mine.status_code == 200
    refused = await browser_client.post(
        f"/staff/admin/experts/{world['aino']}/joint-sessions/{session['reference']}",
        data={"_csrf_token": csrf_token(mine.text), "replacement": ""},
    )
    assert refused.status_code == 404
    experts = {row["expert"] for row in await JointParticipant.select(JointParticipant.expert)}
    assert world["aino"] in experts
