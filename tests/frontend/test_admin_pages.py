"""Administration pages: a new service with its three languages side by side, within the
agencies one administers."""

from __future__ import annotations

import httpx
import pytest

from staff.accounts import create_staff_user
from testdata.factories import make_agency
from tests.frontend.conftest import EXPERT_PASSWORD, csrf_token, sign_in

Client = httpx.AsyncClient
SERVICE = {
    "slug": "premises-advice",
    "agency": "city-business",
    "name_fi": "Toimitilaneuvonta",
    "name_sv": "Lokalrådgivning",
    "name_en": "Premises advice",
    "description_fi": "Apua toimitilan etsimiseen.",
    "duration_minutes": "45",
    "slot_interval_minutes": "30",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "10",
    "min_notice_minutes": "120",
    "horizon_days": "60",
    "topics": "premises, permits",
}


@pytest.fixture
async def admin(browser_client: Client, db: None) -> Client:
    await make_agency()
    await create_staff_user(
        email="admin@example.fi", password=EXPERT_PASSWORD, name="Admin", roles=["admin"]
    )
    await sign_in(browser_client, "admin@example.fi")
    return browser_client


async def _post_service(client: Client, **changes: str) -> httpx.Response:
    page = await client.get("/staff/admin/services")
    data: dict[str, str | list[str]] = {
        "_csrf_token": csrf_token(page.text),
        **SERVICE,
        **changes,
        "channels": ["video", "phone"],
        "languages": ["fi", "sv"],
    }
    return await client.post("/staff/admin/services", data=data)


async def test_a_service_added_on_the_form_is_in_the_catalogue_in_every_language(admin: Client):
    response = await _post_service(admin)
    assert response.status_code == 303
    catalogue = await admin.get("/api/v1/services", params={"lang": "sv"})
    [service] = catalogue.json()
    assert service["name"] == "Lokalrådgivning"
    assert service["channels"] == ["video", "phone"]
    assert service["languages"] == ["fi", "sv"]
    assert service["topics"] == ["premises", "permits"]
    listed = await admin.get("/staff/admin/services")
    assert "Toimitilaneuvonta" in listed.text


async def test_a_missing_swedish_name_is_pointed_out_next_to_it(admin: Client):
    response = await _post_service(admin, name_sv="")
    assert response.status_code == 422
    assert 'id="name_sv-error"' in response.text
    assert "Anna nimi ruotsiksi." in response.text
    assert 'value="Toimitilaneuvonta"' in response.text, "the other fields keep their values"


async def test_an_expert_may_not_administer_services(signed_in: Client):
    page = await signed_in.get("/staff/admin/services")
    assert page.status_code == 403


async def _post_agency(client: Client, **fields: str) -> httpx.Response:
    page = await client.get("/staff/admin/agencies")
    return await client.post(
        "/staff/admin/agencies", data={"_csrf_token": csrf_token(page.text), **fields}
    )


async def test_an_agency_is_added_with_its_three_names(admin: Client):
    names = {"name_fi": "Verohallinto", "name_sv": "Skatteförvaltningen", "name_en": "Tax"}
    response = await _post_agency(admin, slug="vero", **names)
    assert response.status_code == 303
    listed = await admin.get("/staff/admin/agencies")
    assert '<td lang="sv">Skatteförvaltningen</td>' in listed.text


async def test_a_taken_agency_address_is_pointed_out(admin: Client):
    names = {"name_fi": "Toinen", "name_sv": "Annan", "name_en": "Other"}
    response = await _post_agency(admin, slug="city-business", **names)
    assert response.status_code == 422
    assert 'id="slug-error"' in response.text


async def test_an_agency_admin_sees_only_their_agency_and_cannot_add_one(
    browser_client: Client, db: None
):
    own = await make_agency("own-agency")
    await make_agency("other-agency")
    await create_staff_user(
        email="boss@example.fi",
        password=EXPERT_PASSWORD,
        name="Boss",
        roles=["agency_admin"],
        agency_id=own,
    )
    await sign_in(browser_client, "boss@example.fi")
    listed = await browser_client.get("/staff/admin/agencies")
    assert "own-agency" in listed.text
    assert "other-agency" not in listed.text
    assert 'action="/staff/admin/agencies"' not in listed.text
    refused = await _post_agency(browser_client, slug="mine", name_fi="a", name_sv="b", name_en="c")
    assert refused.status_code == 403


async def test_an_expert_added_on_the_form_can_be_booked_and_sign_in(admin: Client):
    page = await admin.get("/staff/admin/experts")
    form = {
        "_csrf_token": csrf_token(page.text),
        "agency": "city-business",
        "name": "Bertil Sjöberg",
        "email": "bertil@example.fi",
        "password": "a-long-enough-password",
        "languages": ["sv", "fi"],
        "channels": ["video"],
        "topics": "funding",
        "hours_start": "09:00",
        "hours_end": "12:00",
    }
    response = await admin.post("/staff/admin/experts", data=form)
    assert response.status_code == 303
    listed = await admin.get("/staff/admin/experts")
    assert "bertil@example.fi" in listed.text
    login = await admin.post(
        "/api/v1/auth/login",
        json={"email": "bertil@example.fi", "password": "a-long-enough-password"},
    )
    assert login.status_code == 200


async def test_a_short_password_and_bad_hours_are_pointed_out(admin: Client):
    page = await admin.get("/staff/admin/experts")
    form = {
        "_csrf_token": csrf_token(page.text),
        "agency": "city-business",
        "name": "Bertil",
        "email": "bertil@example.fi",
        "password": "short",
        "channels": ["video"],
        "hours_start": "12:00",
        "hours_end": "09:00",
    }
    response = await admin.post("/staff/admin/experts", data=form)
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert 'value="short"' not in response.text, "a password is never sent back"


POINT = {
    "slug": "kirjasto",
    "name_fi": "Kirjaston yhteispalvelupiste",
    "name_sv": "Bibliotekets samservicekontor",
    "name_en": "Library joint service point",
    "address": "Kirjastokatu 1",
    "opens": "09:00",
    "closes": "15:00",
    "room_slug_0": "etahuone-1",
    "room_name_0": "Etähuone 1",
}


async def test_an_admin_adds_a_service_point_with_its_rooms(admin: Client):
    page = await admin.get("/staff/admin/service-points")
    assert "Asiointipisteitä ei ole vielä." in page.text
    added = await admin.post(
        "/staff/admin/service-points", data={"_csrf_token": csrf_token(page.text), **POINT}
    )
    assert added.status_code == 303
    listed = await admin.get(added.headers["location"])
    assert "Asiointipiste lisättiin." in listed.text
    assert "Kirjaston yhteispalvelupiste (kirjasto)" in listed.text
    assert "Etähuone 1" in listed.text
    assert "Maanantai 09:00–15:00" in listed.text
    assert "Perjantai 09:00–15:00" in listed.text

    again = await admin.post(
        "/staff/admin/service-points",
        data={"_csrf_token": csrf_token(listed.text), **POINT, "name_sv": ""},
    )
    assert again.status_code == 422
    assert 'id="name_sv-error"' in again.text


async def test_only_administrators_manage_service_points(signed_in: Client):
    assert (await signed_in.get("/staff/admin/service-points")).status_code == 403
