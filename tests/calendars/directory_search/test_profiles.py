"""Experts keep their own bio and topics current; topics come only from the agency's list."""

from __future__ import annotations

import httpx

from calendars.directory_search.search import DirectoryFilter, search_experts
from testdata.factories import (
    STAFF_PASSWORD,
    make_agency,
    make_expert,
    make_expert_login,
    make_topic,
    staff_headers,
)

Client = httpx.AsyncClient


async def _signed_in_expert(client: Client) -> tuple[int, dict[str, str]]:
    agency = await make_agency()
    await make_topic(agency, "funding", "Rahoitus", "Finansiering", "Funding")
    await make_topic(agency, "permits", "Luvat", "Tillstånd", "Permits")
    expert = await make_expert(agency, "Aino Virtanen", topics=("funding",))
    await make_expert_login(expert, "aino@example.fi", STAFF_PASSWORD)
    return expert, await staff_headers(client, "aino@example.fi")


async def test_expert_changes_bio_and_topics_and_the_directory_follows(client: Client, db: None):
    expert, headers = await _signed_in_expert(client)
    response = await client.patch(
        "/api/v1/staff/me/profile",
        headers=headers,
        json={
            "bio": {"fi": "Autan ympäristöluvissa.", "sv": "Jag hjälper med tillstånden."},
            "topics": ["permits"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["topics"] == ["permits"]
    assert body["bio"] == {
        "fi": "Autan ympäristöluvissa.",
        "sv": "Jag hjälper med tillstånden.",
        "en": "",
    }
    assert {c["slug"] for c in body["topic_choices"]} == {"funding", "permits"}
    found = await search_experts(DirectoryFilter(q="tillstånd"))
    assert [e.id for e in found] == [expert]
    assert await search_experts(DirectoryFilter(topic="funding")) == []


async def test_a_typed_topic_outside_the_agency_list_is_refused(client: Client, db: None):
    _, headers = await _signed_in_expert(client)
    response = await client.patch(
        "/api/v1/staff/me/profile", headers=headers, json={"topics": ["made-up"]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "topics"


async def test_an_overlong_bio_is_refused_naming_the_field(client: Client, db: None):
    _, headers = await _signed_in_expert(client)
    response = await client.patch(
        "/api/v1/staff/me/profile", headers=headers, json={"bio": {"sv": "x" * 2001}}
    )
    assert response.status_code == 400
    assert "bio.sv" in response.text


async def test_profile_needs_a_login(client: Client, db: None):
    assert (await client.get("/api/v1/staff/me/profile")).status_code == 401
