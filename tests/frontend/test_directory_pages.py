"""The public directory page and an expert's own profile page."""

from __future__ import annotations

import httpx

from calendars.tables import Expert
from testdata.factories import make_agency, make_expert, make_service, make_topic, set_bio
from tests.frontend.conftest import csrf_token

Client = httpx.AsyncClient


async def _world() -> int:
    agency = await make_agency()
    await make_topic(agency, "taxation", "Verotus", "Beskattning", "Taxation")
    expert = await make_expert(agency, "Veera Laine", topics=("taxation",))
    await set_bio(expert, fi="Autan verotuksessa.", sv="Jag hjälper med beskattningen.")
    gone = await make_expert(agency, "Eino Entinen", topics=("taxation",))
    await Expert.update({Expert.active: False}).where(Expert.id == gone)
    await make_service(agency, "tax-advice", topics=("taxation",))
    return expert


async def test_directory_page_finds_by_a_swedish_word_and_links_to_booking(
    client: Client, db: None
):
    expert = await _world()
    page = await client.get("/experts", params={"q": "beskattningen", "lang": "sv"})
    assert page.status_code == 200
    assert "Veera Laine" in page.text
    assert "Jag hjälper med beskattningen." in page.text
    assert f'href="/services/tax-advice?expert={expert}"' in page.text
    assert "Eino Entinen" not in page.text
    assert '<option value="taxation">Beskattning</option>' in page.text


async def test_the_catalogue_links_to_the_directory_and_searches_inflected_words(
    client: Client, db: None
):
    await _world()
    page = await client.get("/", params={"q": "verotukseen", "lang": "fi"})
    assert 'href="/experts"' in page.text
    assert "/services/tax-advice" in page.text


async def test_a_topic_nobody_active_covers_is_offered_nowhere(client: Client, db: None):
    agency = await make_agency()
    await make_topic(agency, "fishing", "Kalastus", "Fiske", "Fishing")
    await make_topic(agency, "taxation", "Verotus", "Beskattning", "Taxation")
    gone = await make_expert(agency, "Eino Entinen", topics=("fishing",))
    await Expert.update({Expert.active: False}).where(Expert.id == gone)
    await make_expert(agency, "Veera Laine", topics=("taxation",))
    for path in ("/experts", "/contact"):
        page = await client.get(path, params={"lang": "fi"})
        assert "Verotus" in page.text
        assert "Kalastus" not in page.text


async def test_an_expert_keeps_their_profile_on_the_profile_page(signed_in: Client, advisor: int):
    agency = (await Expert.select(Expert.agency).where(Expert.id == advisor).first())["agency"]  # type: ignore[index]
    await make_topic(agency, "funding", "Rahoitus", "Finansiering", "Funding")
    await make_topic(agency, "permits", "Luvat", "Tillstånd", "Permits")
    form = await signed_in.get("/staff/profile", params={"lang": "fi"})
    assert form.status_code == 200
    assert 'value="permits"' in form.text
    saved = await signed_in.post(
        "/staff/profile",
        data={
            "_csrf_token": csrf_token(form.text),
            "bio_fi": "Autan ympäristöluvissa.",
            "bio_sv": "Jag hjälper med tillstånd.",
            "bio_en": "",
            "topics": ["permits", "funding"],
        },
    )
    assert saved.status_code == 303
    shown = await signed_in.get("/staff/profile", params={"lang": "fi"})
    assert "Autan ympäristöluvissa." in shown.text
    assert 'value="permits" checked' in shown.text
    public = await signed_in.get("/experts", params={"q": "ympäristöluvat", "lang": "fi"})
    assert "Aino Virtanen" in public.text
