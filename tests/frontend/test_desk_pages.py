"""The service-point desk over HTTP: a clerk finds the common times of several agencies and an
interpreter, books one for the customer at the desk, and sees it among the coming sessions."""

from __future__ import annotations

from typing import Any

import httpx

from booking.joint.tables import JointSession
from booking.tables import Reservation
from testdata.factories import STAFF_PASSWORD
from tests.frontend.conftest import csrf_token

Client = httpx.AsyncClient
SEARCH = {
    "agencies": ["city-business", "kela", "vero"],
    "interpreter_language": "ar",
    "duration": "60",
    "start": "2026-12-01",
    "end": "2026-12-01",
}


async def _sign_in(client: Client, email: str = "clerk@example.fi") -> None:
    form = await client.get("/staff/login", params={"lang": "fi"})
    signed = await client.post(
        "/staff/login",
        data={"_csrf_token": csrf_token(form.text), "email": email, "password": STAFF_PASSWORD},
    )
    assert signed.status_code == 303


async def test_a_clerk_books_a_joint_session_at_the_desk(
    browser_client: Client, world: dict[str, Any]
):
    await _sign_in(browser_client)
    desk = await browser_client.get("/desk")
    assert desk.status_code == 200
    assert "Järjestä yhteinen etäasiointi" in desk.text
    assert "Tulevia yhteisiä etäasiointeja ei ole." in desk.text

    found = await browser_client.get("/desk/slots", params=SEARCH)
    assert found.status_code == 200
    assert "Aino Virtanen, Kalle Kela, Veera Vero; tulkki Amira Tulkki" in found.text
    [first_slot] = [
        line.split('value="', 1)[1].split('"', 1)[0]
        for line in found.text.splitlines()
        if 'name="slot"' in line and " checked" in line
    ]
    booked = await browser_client.post(
        "/desk/book",
        data={
            **SEARCH,
            "_csrf_token": csrf_token(found.text),
            "slot": first_slot,
            "name": "Yusuf Ali",
            "email": "yusuf@example.com",
            "language": "fi",
            "matter": "Starttiraha ja verokortti",
        },
    )
    assert booked.status_code == 303, booked.text
    assert await JointSession.count() == 1
    assert await Reservation.count() == 5
    listed = await browser_client.get(booked.headers["location"])
    assert "Yhteinen etäasiointi varattiin." in listed.text
    assert "Yusuf Ali" in listed.text
    assert "/join/" in listed.text

    # Each expert taking part sees it in their own week, linked to their own meeting link.
    await _sign_in(browser_client, "aino@example.fi")
    week = await browser_client.get("/staff/calendar", params={"week": "2026-11-30"})
    assert "Yhteinen etäasiointi: Yusuf Ali" in week.text
    assert '<a href="https://luukku.test/join/' in week.text


async def test_desk_input_errors_are_named_on_the_form(
    browser_client: Client, world: dict[str, Any]
):
    await _sign_in(browser_client)
    none_chosen = await browser_client.get("/desk/slots", params={**SEARCH, "agencies": []})
    assert none_chosen.status_code == 422
    assert "Valitse vähintään yksi viranomainen." in none_chosen.text
    found = await browser_client.get("/desk/slots", params=SEARCH)
    no_email = await browser_client.post(
        "/desk/book",
        data={
            **SEARCH,
            "_csrf_token": csrf_token(found.text),
            "slot": "not|a|slot",
            "name": "Yusuf Ali",
            "email": "",
        },
    )
    assert no_email.status_code == 422
    assert await JointSession.count() == 0


async def test_only_clerks_have_a_desk(signed_in: Client):
    response = await signed_in.get("/desk")
    assert response.status_code == 403
