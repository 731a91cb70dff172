"""Staff see their feed's address on every visit, replace it, and keep it across key rotation."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from booking.feeds.tokens import current_feed_token, rotate_feed_token
from luukku.settings import Settings
from staff.accounts import create_staff_user
from testdata.factories import STAFF_PASSWORD, make_agency, make_expert, staff_headers
from tests.conftest import NOW

PASSWORD = STAFF_PASSWORD


@pytest.fixture
async def people(db: None) -> dict[str, int]:
    agency = await make_agency()
    expert = await make_expert(agency, "Aino Virtanen")
    await create_staff_user(
        email="aino@example.fi",
        password=PASSWORD,
        name="Aino",
        roles=["expert"],
        agency_id=agency,
        expert_id=expert,
    )
    await create_staff_user(
        email="boss@example.fi",
        password=PASSWORD,
        name="Boss",
        roles=["agency_admin"],
        agency_id=agency,
    )
    return {"agency": agency, "expert": expert}


def _token(url: str) -> str:
    assert url.startswith("https://luukku.test/feeds/")
    assert url.endswith(".ics")
    return url.removeprefix("https://luukku.test/feeds/").removesuffix(".ics")


@pytest.mark.parametrize(
    ("email", "path", "calendar"),
    [
        ("aino@example.fi", "/api/v1/staff/me/feed", "Luukku: Aino Virtanen"),
        ("boss@example.fi", "/api/v1/staff/agency/feed", "Luukku: Elinkeinopalvelut"),
    ],
)
async def test_feed_address_is_stable_until_rotated_and_the_old_one_then_404s(
    client: httpx.AsyncClient, people: dict[str, int], email: str, path: str, calendar: str
):
    headers = await staff_headers(client, email)
    first = (await client.get(path, headers=headers)).json()["url"]
    assert (await client.get(path, headers=headers)).json()["url"] == first
    assert (await client.get(first.removeprefix("https://luukku.test"))).status_code == 200

    rotated = await client.post(f"{path}/rotate", headers=headers)
    assert rotated.status_code == 200
    second = rotated.json()["url"]
    assert _token(second) != _token(first)
    assert (await client.get(path, headers=headers)).json()["url"] == second
    assert (await client.get(first.removeprefix("https://luukku.test"))).status_code == 404
    feed = await client.get(second.removeprefix("https://luukku.test"))
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"X-WR-CALNAME:{calendar}\r\n" in feed.text


async def test_address_survives_key_rotation_while_the_old_key_is_kept(
    people: dict[str, int], settings: Settings
):
    token = await current_feed_token("expert", people["expert"], NOW, settings)
    rotated = dataclasses.replace(
        settings,
        secret_key="a-brand-new-signing-secret-of-enough-length",
        previous_secret_keys=(settings.secret_key,),
    )
    assert await current_feed_token("expert", people["expert"], NOW, rotated) == token

    dropped = dataclasses.replace(rotated, previous_secret_keys=())
    replaced = await current_feed_token("expert", people["expert"], NOW, dropped)
    assert replaced != token
    assert await current_feed_token("expert", people["expert"], NOW, dropped) == replaced


async def test_stored_row_holds_no_working_address(people: dict[str, int], settings: Settings):
    from booking.feeds.tables import FeedToken

    token = await rotate_feed_token("expert", people["expert"], NOW, settings)
    [row] = await FeedToken.select().where(FeedToken.expert == people["expert"])
    assert token not in {str(value) for value in row.values()}
