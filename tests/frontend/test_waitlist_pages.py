"""The waitlist pages: join from a full week's service page or a booking's manage page, see
the offer kept until 11.00, accept it from the email's link; a lapsed offer's link is 410."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from booking.waitlist.offering import make_offers
from luukku.clock import FixedClock
from luukku.sealing import Sealer
from luukku.settings import Settings
from notifications.letters import Letter
from notifications.tables import OutboxMessage
from privacy.data_requests import LINK_SEAL
from tests.booking.waitlist.conftest import full_week  # noqa: F401 (a fixture)
from tests.conftest import NOW
from tests.frontend.conftest import csrf_token, found

Client = httpx.AsyncClient
SERVICE = "/services/funding-advice"


async def offer_path(settings: Settings) -> str:
    """The path of the link in the latest offer letter, as the customer's mail shows it."""
    row = (
        await OutboxMessage.select(OutboxMessage.payload)
        .where(OutboxMessage.kind == "waitlist_offer")
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    assert row is not None
    link = Sealer.from_settings(LINK_SEAL, settings).open(Letter.from_json(row["payload"]).link)
    return link.removeprefix(settings.public_base_url)


async def join_from_service_page(client: Client, name: str, email: str) -> str:
    page = await client.get(
        SERVICE, params={"lang": "fi", "week": "2026-11-23", "channel": "video"}
    )
    assert "Ei sopivaa aikaa? Kerro minulle, jos aika vapautuu" in page.text
    form = {
        "_csrf_token": csrf_token(page.text),
        "service": "funding-advice",
        "channel": "video",
        "language": "fi",
        "earliest": "2026-11-23",
        "latest": "2026-11-29",
        "name": name,
        "email": email,
    }
    joined = await client.post("/waitlist/join", data=form)
    assert joined.status_code == 303, joined.text
    return str(joined.headers["location"])


async def test_joining_from_a_full_week_then_accepting_the_offer_from_the_email_link(
    browser_client: Client,
    settings: Settings,
    full_week: dict[str, Any],  # noqa: F811
):
    status_url = await join_from_service_page(browser_client, "Eka Jonottaja", "eka@example.com")
    waiting = await browser_client.get(status_url)
    assert "Olet liittynyt jonoon." in waiting.text
    assert "Odottaa ajan vapautumista" in waiting.text
    assert waiting.headers["referrer-policy"] == "no-referrer"

    await browser_client.post(
        f"/api/v1/bookings/{full_week['reference']}/cancel",
        headers={"Authorization": f"Bearer {full_week['manage_token']}"},
    )
    assert await make_offers(settings, NOW) == 1
    offered = await browser_client.get(status_url.split("&")[0])
    assert "Aika on varattu sinulle klo 11.00 asti." in offered.text

    offer = await browser_client.get(await offer_path(settings), params={"lang": "sv"})
    assert offer.status_code == 200
    assert "Tiden hålls för dig till kl. 11.00." in offer.text
    accepted = await browser_client.post(
        f"{await offer_path(settings)}/accept", data={"_csrf_token": csrf_token(offer.text)}
    )
    assert accepted.status_code == 303, accepted.text
    assert "/confirmation?token=" in accepted.headers["location"]


async def test_a_lapsed_offer_link_answers_410_and_says_the_time_went_to_the_next(
    browser_client: Client,
    clock: FixedClock,
    settings: Settings,
    full_week: dict[str, Any],  # noqa: F811
):
    await join_from_service_page(browser_client, "Eka Jonottaja", "eka@example.com")
    await browser_client.post(
        f"/api/v1/bookings/{full_week['reference']}/cancel",
        headers={"Authorization": f"Bearer {full_week['manage_token']}"},
    )
    await make_offers(settings, NOW)
    path = await offer_path(settings)
    clock.current = NOW + timedelta(minutes=settings.waitlist_offer_minutes)
    gone = await browser_client.get(path, params={"lang": "fi"})
    assert gone.status_code == 410
    assert "aika siirtyi seuraavalle jonossa" in gone.text


async def test_the_manage_page_offers_to_wait_for_an_earlier_time(
    browser_client: Client,
    settings: Settings,
    full_week: dict[str, Any],  # noqa: F811
):
    manage = await browser_client.get(
        f"/bookings/{full_week['reference']}/manage",
        params={"token": full_week["manage_token"], "lang": "fi"},
    )
    assert "Kerro minulle, jos aiempi aika vapautuu" in manage.text
    form = {
        "_csrf_token": csrf_token(manage.text),
        "service": "funding-advice",
        "channel": "video",
        "language": "fi",
        "expert": found(r'name="expert" value="(\d+)"', manage.text),
        "booking_reference": full_week["reference"],
        "manage_token": full_week["manage_token"],
        "earliest": "2026-11-23",
        "latest": "2026-11-24",
    }
    joined = await browser_client.post("/waitlist/join", data=form)
    assert joined.status_code == 303, joined.text
    page = await browser_client.get(joined.headers["location"])
    assert "Odottaa ajan vapautumista" in page.text


async def test_a_bad_date_shows_the_form_again_naming_the_field(
    browser_client: Client,
    full_week: dict[str, Any],  # noqa: F811
):
    page = await browser_client.get(
        "/waitlist/join", params={"service": "funding-advice", "lang": "fi"}
    )
    form = {
        "_csrf_token": csrf_token(page.text),
        "service": "funding-advice",
        "channel": "video",
        "language": "fi",
        "latest": "2026-11-01",
        "name": "Eka",
        "email": "eka@example.com",
    }
    answer = await browser_client.post("/waitlist/join", data=form)
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    assert 'href="#latest"' in answer.text
