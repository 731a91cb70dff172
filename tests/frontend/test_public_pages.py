"""Public pages over HTTP: catalogue, free times, the booking form, confirmation and manage."""

from __future__ import annotations

import re

import httpx
import icalendar
import pytest

from booking.tables import Booking
from tests.frontend.conftest import csrf_token, found

Client = httpx.AsyncClient
START = "2026-11-24T10:00:00+02:00"
FORM_PATH = "/services/funding-advice/book"


async def _form(client: Client, **query: str) -> str:
    params = {"start": START, "channel": "video", "language": "fi", **query}
    page = await client.get(FORM_PATH, params=params)
    assert page.status_code == 200, page.text
    return page.text


async def _book(client: Client, **fields: str) -> httpx.Response:
    token = csrf_token(await _form(client))
    data = {
        "_csrf_token": token,
        "start": START,
        "channel": "video",
        "language": "fi",
        "expert": "",
        "name": "Matti Meikäläinen",
        "email": "matti@example.com",
        "privacy": "yes",
        **fields,
    }
    return await client.post(FORM_PATH, data=data)


async def test_root_is_the_catalogue_grid_with_topics_and_next_free_times_in_the_language(
    browser_client: Client, advisor: int
):
    page = await browser_client.get("/", params={"lang": "sv"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert '<p class="topic-tag">Finansiering</p>' in page.text
    assert "Finansieringsrådgivning" in page.text
    # The clock stands at Monday 23.11. 10.00; two hours' notice makes 12.00 the first.
    assert "Nästa lediga tid: <strong>måndag 23 november 2026 12.00</strong>" in page.text
    # The choice is remembered: the next page without `lang` is Swedish too.
    again = await browser_client.get("/privacy")
    assert '<html lang="sv">' in again.text
    assert "Dataskyddsbeskrivning" in again.text


async def test_catalogue_search_narrows_the_services(browser_client: Client, advisor: int):
    hit = await browser_client.get("/", params={"q": "rahoitu", "lang": "fi"})
    assert "Rahoitusneuvonta" in hit.text
    miss = await browser_client.get("/", params={"q": "kalastus"})
    assert "Rahoitusneuvonta" not in miss.text
    assert "Hakuasi vastaavia palveluita ei löytynyt." in miss.text


async def test_language_switch_links_keep_the_current_page(browser_client: Client, advisor: int):
    page = await browser_client.get("/services/funding-advice", params={"week": "2026-11-30"})
    assert 'href="/services/funding-advice?week=2026-11-30&amp;lang=sv"' in page.text


async def test_service_page_shows_next_free_times_and_the_week_in_helsinki_time(
    browser_client: Client, advisor: int
):
    page = await browser_client.get("/services/funding-advice", params={"lang": "fi"})
    assert page.status_code == 200
    # The clock stands at Monday 23.11. 10.00 Helsinki; two hours' notice makes 12.00 the first.
    # Next free times grouped under their day: the day once, then its times.
    first = re.search(
        r'<h3 id="next-day-1">([^<]+)</h3>\s*<ul class="slot-list">\s*<li><button type="submit" '
        r'class="slot" name="start" value="([^"]+)"><span class="visually-hidden">[^<]+</span>'
        r"([^<]+)</button>",
        page.text,
    )
    assert first, page.text
    assert (first[1], first[3]) == ("maanantai 23. marraskuuta 2026", "12.00")
    assert "ma 23.11." in page.text
    assert 'type="date" min="2026-11-23"' in page.text
    assert "Kaikki ajat ovat Suomen aikaa (Europe/Helsinki)." in page.text


async def test_booking_form_errors_are_listed_and_tied_to_their_fields(
    browser_client: Client, advisor: int
):
    response = await _book(browser_client, name="", email="not-an-address", privacy="")
    assert response.status_code == 422
    html = response.text
    assert 'class="error-summary" role="alert"' in html
    for field in ("name", "email", "privacy"):
        assert f'<a href="#{field}">' in html
        assert f'id="{field}-error"' in html
    assert 'aria-describedby="email-hint email-error" aria-invalid="true"' in html
    assert 'value="not-an-address"' in html, "what was typed stays in the form"
    assert await Booking.count() == 0


async def test_booking_redirects_to_a_confirmation_with_calendar_file_and_manage_link(
    browser_client: Client, advisor: int
):
    response = await _book(browser_client, business_id="2617416-4", message="Starttiraha")
    assert response.status_code == 303
    confirmation = await browser_client.get(response.headers["location"])
    assert confirmation.status_code == 200
    assert confirmation.headers["referrer-policy"] == "no-referrer"
    reference = re.search(r"LK-[0-9A-Z]{4}-[0-9A-Z]{4}", confirmation.text)
    assert reference
    assert "tiistai 24. marraskuuta 2026 10.00 (Itä-Euroopan normaaliaika)" in confirmation.text
    manage = re.search(
        r'href="(https://luukku\.test/bookings/[^"]+/manage\?token=[^"]+)"', confirmation.text
    )
    assert manage

    ics_link = re.search(r'href="(/bookings/[^"]+/calendar\.ics\?token=[^"]+)"', confirmation.text)
    assert ics_link
    ics = await browser_client.get(ics_link[1])
    assert ics.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["UID"]) == f"{reference[0]}@luukku"
    assert event.decoded("DTSTART").isoformat() == "2026-11-24T08:00:00+00:00"


async def test_taken_time_says_so_on_the_form(browser_client: Client, advisor: int):
    assert (await _book(browser_client)).status_code == 303
    again = await _book(browser_client, email="toinen@example.com")
    assert again.status_code == 409
    assert "Aika ei ole enää vapaana. Valitse toinen aika." in again.text
    # The three nearest free times, to pick without typing the details again.
    assert len(re.findall(r'<input type="radio" name="start"', again.text)) == 3
    assert 'value="toinen@example.com"' in again.text


async def test_manage_page_cancels_with_reason(browser_client: Client, advisor: int):
    confirmation = (await _book(browser_client)).headers["location"]
    manage_path = confirmation.replace("confirmation", "manage")
    manage = await browser_client.get(manage_path)
    # Cancelling asks first: the manage page only links to the confirmation step.
    assert '<form method="post" action="/bookings/' not in manage.text
    page = await browser_client.get(found(r'href="([^"]+/cancel\?token=[^"]+)"', manage.text))
    assert "Haluatko varmasti perua aikasi tiistai 24. marraskuuta 2026 10.00" in page.text
    assert (await Booking.select(Booking.status).first()) == {"status": "confirmed"}
    done = await browser_client.post(
        found(r'<form method="post" action="([^"]+/cancel)">', page.text),
        data={
            "_csrf_token": csrf_token(page.text),
            "token": found(r'name="token" value="([^"]+)"', page.text),
            "reason": "Sairastuin",
        },
    )
    assert done.status_code == 303
    after = await browser_client.get(done.headers["location"])
    assert "Varauksesi on peruttu." in after.text
    assert "Sairastuin" in after.text
    assert (await Booking.select(Booking.status).first()) == {"status": "cancelled"}


async def test_reschedule_moves_the_booking_to_a_listed_time(browser_client: Client, advisor: int):
    confirmation = (await _book(browser_client)).headers["location"]
    times = await browser_client.get(confirmation.replace("confirmation", "reschedule"))
    assert times.status_code == 200
    choices = re.findall(r'href="(/bookings/[^"]+/reschedule/confirm\?[^"]+)"', times.text)
    assert choices
    step = await browser_client.get(choices[-1].replace("&amp;", "&"))
    assert "Vahvista uusi aika" in step.text
    assert "Tämä on ainoa verkossa tehtävä muutoksesi" in step.text
    assert (await Booking.select(Booking.reschedule_count).first()) == {"reschedule_count": 0}
    moved = await browser_client.post(
        found(r'<form method="post" action="([^"]+/reschedule)">', step.text),
        data={
            "_csrf_token": csrf_token(step.text),
            "token": found(r'name="token" value="([^"]+)"', step.text),
            "start": found(r'name="start" value="([^"]+)"', step.text),
        },
    )
    assert moved.status_code == 303
    after = await browser_client.get(moved.headers["location"])
    assert "Varauksesi on siirretty uuteen aikaan." in after.text


async def test_a_form_posted_without_the_csrf_token_is_refused(
    browser_client: Client, advisor: int
):
    await _form(browser_client)
    response = await browser_client.post(FORM_PATH, data={"start": START, "name": "x"})
    assert response.status_code == 403
    assert await Booking.count() == 0


async def test_unknown_service_and_wrong_token_answer_html_404(
    browser_client: Client, advisor: int
):
    page = await browser_client.get("/services/no-such-service", params={"lang": "fi"})
    assert page.status_code == 404
    assert "Sivua ei löytynyt" in page.text
    booking = await browser_client.get("/bookings/LK-0000-0000/manage", params={"token": "x"})
    assert booking.status_code == 404


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("fi", ("Saavutettavuusseloste", "Tietosuojaseloste")),
        ("sv", ("Tillgänglighetsutlåtande", "Dataskyddsbeskrivning")),
        ("en", ("Accessibility statement", "Privacy notice")),
    ],
)
async def test_information_pages_exist_in_every_language(
    browser_client: Client, advisor: int, language: str, headings: tuple[str, str]
):
    for path, heading in zip(("/accessibility", "/privacy"), headings, strict=True):
        page = await browser_client.get(path, params={"lang": language})
        assert page.status_code == 200
        assert f"<h1>{heading}</h1>" in page.text


async def test_a_malformed_address_answers_an_html_page_not_json(
    browser_client: Client, advisor: int
):
    page = await browser_client.get(FORM_PATH, params={"start": "yesterday"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")


async def test_an_unknown_address_is_a_page_for_people_and_a_problem_for_machines(
    browser_client: Client, db: None
):
    page = await browser_client.get("/no-such-page", params={"lang": "sv"})
    assert page.status_code == 404
    assert "<h1>Sidan hittades inte</h1>" in page.text
    api = await browser_client.get("/api/v1/no-such-route")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


async def test_a_phone_appointment_needs_a_phone_number(browser_client: Client, advisor: int):
    form = await _form(browser_client, channel="phone")
    assert 'id="phone" name="phone" type="tel" value="" required aria-required="true"' in form
    assert "Esimerkiksi 1234567-1" in form  # a business ID that passes its own check
    refused = await _book(browser_client, channel="phone", phone="")
    assert refused.status_code == 422
    assert "Anna puhelinnumero, johon soitamme" in refused.text
    assert await Booking.count() == 0
    assert (await _book(browser_client, channel="phone", phone="040 123 4567")).status_code == 303


async def test_the_contact_form_names_each_topic_once(browser_client: Client, advisor: int):
    page = await browser_client.get("/contact", params={"lang": "fi"})
    names = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', page.text)
    assert names
    assert len(names) == len(set(names))
