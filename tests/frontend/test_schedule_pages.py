"""An expert's schedule editors over HTTP: weekly hours, a date's own hours and the external
calendars with their last sync and error; each change shows in the public slots."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from tests.frontend.conftest import csrf_token

Client = httpx.AsyncClient


async def _tuesday_starts(client: Client) -> list[str]:
    slots = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": "2026-11-24", "end": "2026-11-24"}
    )
    return [slot["start"][11:16] for slot in slots.json()["slots"]]


async def test_the_week_form_shows_the_hours_and_saving_replaces_them(signed_in: Client):
    page = await signed_in.get("/staff/working-hours")
    assert 'name="d1_0_start" type="time" value="09:00"' in page.text
    week = {f"d{day}_0_{edge}": "" for day in range(7) for edge in ("start", "end")}
    week |= {"d1_0_start": "09:00", "d1_0_end": "10:00", "d1_1_start": "14:00", "d1_1_end": "15:00"}
    saved = await signed_in.post(
        "/staff/working-hours", data={"_csrf_token": csrf_token(page.text), **week}
    )
    assert saved.status_code == 303
    assert await _tuesday_starts(signed_in) == ["09:00", "14:00"]


async def test_a_half_filled_day_is_pointed_out(signed_in: Client):
    page = await signed_in.get("/staff/working-hours")
    response = await signed_in.post(
        "/staff/working-hours",
        data={"_csrf_token": csrf_token(page.text), "d2_0_start": "09:00", "d2_0_end": ""},
    )
    assert response.status_code == 422
    assert 'id="d2-error"' in response.text
    assert "Keskiviikko: anna alkamisaika ennen päättymisaikaa" in response.text
    assert len(await _tuesday_starts(signed_in)) == 13, "nothing was saved"


async def test_a_date_closed_by_its_own_hours_has_no_slots(signed_in: Client):
    page = await signed_in.get("/staff/working-hours")
    response = await signed_in.post(
        "/staff/overrides", data={"_csrf_token": csrf_token(page.text), "date": "2026-11-24"}
    )
    assert response.status_code == 303
    assert await _tuesday_starts(signed_in) == []
    listed = await signed_in.get("/staff/working-hours")
    assert "Suljettu" in listed.text


async def test_an_unreadable_calendar_shows_its_error(signed_in: Client):
    page = await signed_in.get("/staff/external-calendars")
    response = await signed_in.post(
        "/staff/external-calendars",
        data={
            "_csrf_token": csrf_token(page.text),
            "kind": "ics",
            "url": "http://127.0.0.1:9/calendar.ics",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("done=sync-failed")
    listed = await signed_in.get(response.headers["location"])
    assert "127.0.0.1 (ics)" in listed.text
    assert "Kalenteria ei voitu lukea" in listed.text
    assert "Ei koskaan" in listed.text


async def test_a_calendar_address_that_is_not_one_is_refused_on_the_form(signed_in: Client):
    page = await signed_in.get("/staff/external-calendars")
    response = await signed_in.post(
        "/staff/external-calendars",
        data={"_csrf_token": csrf_token(page.text), "kind": "ics", "url": "kalenteri"},
    )
    assert response.status_code == 422
    assert 'id="url-error"' in response.text


async def test_the_feed_address_is_shown_and_replaced_on_the_own_calendars_page(
    signed_in: Client,
):
    page = await signed_in.get("/staff/external-calendars")
    [address] = re.findall(r'id="feed-url" type="text" readonly value="([^"]+)"', page.text)
    assert address.startswith("https://luukku.test/feeds/")
    assert (await signed_in.get(urlsplit(address).path)).status_code == 200
    again = await signed_in.get("/staff/external-calendars")
    assert address in again.text

    replaced = await signed_in.post(
        "/staff/feed/rotate", data={"_csrf_token": csrf_token(again.text)}
    )
    assert replaced.status_code == 303
    shown = await signed_in.get(replaced.headers["location"])
    assert "Uusi tilausosoite tehtiin" in shown.text
    [new] = re.findall(r'id="feed-url" type="text" readonly value="([^"]+)"', shown.text)
    assert new != address
    assert (await signed_in.get(urlsplit(address).path)).status_code == 404
