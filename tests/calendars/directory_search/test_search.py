"""The directory search on both engines: inflected Finnish and Swedish words, ranking with
the topic first, only active experts, and the topic, language and channel filters."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from calendars.directory_search.search import DirectoryFilter, search_experts
from calendars.tables import Expert
from testdata.factories import make_agency, make_expert, make_service, make_topic, set_bio


@dataclass(frozen=True)
class Directory:
    tax_advisor: int
    funding_advisor: int
    retired: int


@pytest.fixture
async def directory(db: None) -> Directory:
    agency = await make_agency()
    await make_topic(agency, "taxation", "Verotus", "Beskattning", "Taxation")
    await make_topic(agency, "funding", "Rahoitus", "Finansiering", "Funding")
    tax = await make_expert(
        agency,
        "Veera Laine",
        topics=("taxation",),
        languages=("fi", "sv"),
        channels=("in_person", "video"),
    )
    await set_bio(
        tax,
        fi="Autan yrittäjiä verotuksessa ja kirjanpidossa.",
        sv="Jag hjälper företagare med beskattningen och bokföringen.",
        en="I help entrepreneurs with taxes and bookkeeping.",
    )
    funding = await make_expert(
        agency, "Olli Niemi", topics=("funding",), languages=("fi",), channels=("phone",)
    )
    await set_bio(funding, fi="Neuvon rahoituksessa. Tunnen myös verotuksen perusteet.")
    retired = await make_expert(agency, "Eino Entinen", topics=("taxation",))
    await set_bio(retired, fi="Verotuksen asiantuntija.", sv="Beskattning.")
    await Expert.update({Expert.active: False}).where(Expert.id == retired)
    await make_service(agency, "tax-advice", topics=("taxation",))
    return Directory(tax, funding, retired)


async def _ids(**wanted: str) -> list[int]:
    return [entry.id for entry in await search_experts(DirectoryFilter(**wanted))]  # type: ignore[arg-type]


@pytest.mark.parametrize("word", ["verotus", "verotukseen", "veroja", "verotuksesta"])
async def test_finnish_inflected_forms_find_the_bio_that_says_verotuksessa(
    directory: Directory, word: str
):
    assert directory.tax_advisor in await _ids(q=word)


@pytest.mark.parametrize("word", ["beskattning", "beskattningen", "Beskattningar"])
async def test_swedish_inflected_forms_find_beskattningen(directory: Directory, word: str):
    assert directory.tax_advisor in await _ids(q=word)


async def test_an_unrelated_word_finds_nobody(directory: Directory):
    assert await _ids(q="kalastus") == []


async def test_every_word_must_match(directory: Directory):
    assert await _ids(q="verotus rahoitus") == [directory.funding_advisor]


async def test_the_expert_whose_topic_matches_comes_before_a_bio_mention(directory: Directory):
    assert await _ids(q="verotusta") == [directory.tax_advisor, directory.funding_advisor]


async def test_inactive_experts_are_never_listed(directory: Directory):
    assert directory.retired not in await _ids()
    assert directory.retired not in await _ids(q="verotus")
    assert directory.retired not in await _ids(topic="taxation")


async def test_topic_language_and_channel_filters(directory: Directory):
    assert await _ids(topic="funding") == [directory.funding_advisor]
    assert await _ids(language="sv") == [directory.tax_advisor]
    assert await _ids(channel="phone", q="verotus") == [directory.funding_advisor]


async def test_a_new_expert_is_found_without_any_explicit_indexing(directory: Directory):
    agency = (await Expert.select(Expert.agency).first())["agency"]  # type: ignore[index]
    newcomer = await make_expert(agency, "Tuuli Uusi", topics=("funding",))
    assert newcomer in await _ids(q="tuuli")


async def test_directory_api_lists_topics_bio_and_services_in_the_language(
    client: httpx.AsyncClient, directory: Directory
):
    response = await client.get("/api/v1/experts", params={"q": "beskattningen", "lang": "sv"})
    assert response.status_code == 200, response.text
    [expert] = response.json()["experts"]
    assert expert["id"] == directory.tax_advisor
    assert expert["agency"] == {"slug": "city-business", "name": "Näringslivstjänster"}
    assert expert["topics"] == [{"slug": "taxation", "name": "Beskattning"}]
    assert expert["bio"].startswith("Jag hjälper")
    assert expert["services"] == ["tax-advice"]
    assert expert["languages"] == ["fi", "sv"]


async def test_service_catalogue_is_searched_the_same_way(
    client: httpx.AsyncClient, directory: Directory
):
    response = await client.get("/api/v1/services", params={"q": "verotukseen"})
    assert [s["slug"] for s in response.json()] == ["tax-advice"]
    assert (await client.get("/api/v1/services", params={"q": "kalastus"})).json() == []


async def test_an_overlong_query_is_refused_naming_the_field(
    client: httpx.AsyncClient, directory: Directory
):
    response = await client.get("/api/v1/experts", params={"q": "x" * 201})
    assert response.status_code == 400
    assert "q" in response.text
