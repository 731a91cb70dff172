"""Staff pages over HTTP: sign-in with the cookie, the calendar grid, booking details and
absences, each only for the signed-in expert."""

from __future__ import annotations

import httpx

from booking.tables import Booking
from calendars.tables import Absence, Expert
from testdata.factories import booking_body, make_expert, make_expert_login
from tests.frontend.conftest import EXPERT_PASSWORD, csrf_token, found

Client = httpx.AsyncClient


async def test_sign_in_goes_back_to_the_page_asked_for(browser_client: Client, advisor: int):
    await make_expert_login(advisor, "aino@example.fi", EXPERT_PASSWORD)
    form = await browser_client.get("/staff/login")
    response = await browser_client.post(
        "/staff/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": "aino@example.fi",
            "password": EXPERT_PASSWORD,
            "next": "/staff/calendar?week=2026-11-23",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/calendar?week=2026-11-23"


async def test_staff_pages_send_an_anonymous_visitor_to_sign_in(browser_client: Client, db: None):
    response = await browser_client.get("/staff/calendar?week=2026-11-23")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=/staff/calendar%3Fweek%3D2026-11-23"


async def test_wrong_password_is_refused_on_the_form(browser_client: Client, advisor: int):
    form = await browser_client.get("/staff/login", params={"lang": "fi"})
    response = await browser_client.post(
        "/staff/login",
        data={"_csrf_token": csrf_token(form.text), "email": "x@example.fi", "password": "no"},
    )
    assert response.status_code == 401
    assert "Väärä sähköpostiosoite tai salasana." in response.text


async def test_sign_in_never_redirects_to_another_site(browser_client: Client, advisor: int):
    form = await browser_client.get("/staff/login")
    response = await browser_client.post(
        "/staff/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": "x@example.fi",
            "password": "no",
            "next": "https://evil.example/staff/",
        },
    )
    assert 'name="next" value="/staff/calendar"' in response.text


async def test_week_view_shows_bookings_and_absences_in_the_grid(signed_in: Client):
    booked = await signed_in.post(
        "/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00")
    )
    reference = booked.json()["reference"]
    page = await signed_in.get("/staff/calendar", params={"week": "2026-11-23", "lang": "fi"})
    assert page.status_code == 200
    assert f'href="/staff/bookings/{reference}"' in page.text
    assert "Rahoitusneuvonta: Matti Meikäläinen" in page.text
    # 10.00-11.00 in a 07-19 grid: 25 % from the top.
    assert 'class="event booking" style="top: 25.0%' in page.text

    detail = await signed_in.get(f"/staff/bookings/{reference}")
    assert "Haen starttirahaa." in detail.text
    assert "2617416-4" in detail.text


async def test_absence_added_on_the_form_removes_those_slots(signed_in: Client):
    page = await signed_in.get("/staff/absences")
    response = await signed_in.post(
        "/staff/absences",
        data={
            "_csrf_token": csrf_token(page.text),
            "start_date": "2026-11-24",
            "start_time": "09:00",
            "end_date": "2026-11-24",
            "end_time": "12:00",
            "reason": "Koulutus",
        },
    )
    assert response.status_code == 303
    assert await Absence.count() == 1
    slots = await signed_in.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    starts = [slot["start"][11:16] for slot in slots.json()["slots"]]
    assert starts[0] == "12:00"


async def test_absence_ending_before_it_starts_is_shown_on_the_form(signed_in: Client):
    page = await signed_in.get("/staff/absences", params={"lang": "fi"})
    response = await signed_in.post(
        "/staff/absences",
        data={
            "_csrf_token": csrf_token(page.text),
            "start_date": "2026-11-24",
            "start_time": "12:00",
            "end_date": "2026-11-24",
            "end_time": "09:00",
        },
    )
    assert response.status_code == 422
    assert found(r'id="end-error">(.*?)</p>', response.text)
    assert await Absence.count() == 0


async def test_another_experts_booking_is_not_found(signed_in: Client):
    assert await Booking.count() == 0
    page = await signed_in.get("/staff/bookings/LK-0000-0000")
    assert page.status_code == 404


async def test_sign_out_ends_the_session(signed_in: Client):
    page = await signed_in.get("/staff/calendar")
    response = await signed_in.post("/staff/logout", data={"_csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    again = await signed_in.get("/staff/calendar")
    assert again.status_code == 303


async def test_bookings_inside_an_absence_move_to_the_named_substitute(
    signed_in: Client, advisor: int
):
    agency = await Expert.select(Expert.agency).where(Expert.id == advisor).first()
    assert agency
    substitute = await make_expert(agency["agency"], "Bertil Sjöberg")
    booked = await signed_in.post(
        "/api/v1/bookings",
        json=booking_body("2026-11-24T10:00:00+02:00", expert_id=advisor),
    )
    assert booked.status_code == 201
    page = await signed_in.get("/staff/absences", params={"lang": "fi"})
    assert f'<option value="{substitute}">Bertil Sjöberg</option>' in page.text
    added = await signed_in.post(
        "/staff/absences",
        data={
            "_csrf_token": csrf_token(page.text),
            "start_date": "2026-11-24",
            "start_time": "08:00",
            "end_date": "2026-11-24",
            "end_time": "17:00",
            "substitute": str(substitute),
        },
    )
    assert added.status_code == 303
    listed = await signed_in.get("/staff/absences")
    move = found(r'action="(/staff/absences/\d+/move-to-substitute)"', listed.text)
    moved = await signed_in.post(move, data={"_csrf_token": csrf_token(listed.text)})
    assert moved.headers["location"] == "/staff/absences?done=moved&count=1"
    after = await signed_in.get(moved.headers["location"])
    assert "1 varaus siirrettiin sijaiselle." in after.text
    assert await Booking.select(Booking.expert).first() == {"expert": substitute}


async def test_staff_notes_are_saved_and_never_reach_the_customer(signed_in: Client):
    created = (
        await signed_in.post("/api/v1/bookings", json=booking_body("2026-11-24T10:00:00+02:00"))
    ).json()
    reference, token = created["reference"], created["manage_token"]
    page = await signed_in.get(f"/staff/bookings/{reference}")
    saved = await signed_in.post(
        f"/staff/bookings/{reference}/notes",
        data={"_csrf_token": csrf_token(page.text), "notes": "Tuo tilinpäätös <mukaan>"},
    )
    assert saved.status_code == 303
    shown = await signed_in.get(saved.headers["location"])
    assert "Muistiinpanot tallennettiin." in shown.text
    assert "Tuo tilinpäätös &lt;mukaan&gt;" in shown.text
    [row] = await Booking.select(Booking.sequence).where(Booking.reference == reference)
    assert row["sequence"] == 0  # nothing the customer or a calendar sees changed

    api = await signed_in.get(
        f"/api/v1/bookings/{reference}", headers={"Authorization": f"Bearer {token}"}
    )
    manage = await signed_in.get(f"/bookings/{reference}/manage", params={"token": token})
    for customer_view in (api.text, manage.text):
        assert "tilinpäätös" not in customer_view
