"""A joint session's messages: the customer and each participant get their own invitation with
their own join link, and each change tells exactly the people it affects."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import httpx
from icalendar import Calendar

from calendars.tables import Expert
from luukku.clock import FixedClock
from notifications.delivery import Delivery, send_due
from testdata.factories import make_expert, staff_headers
from tests.joint_world import book_body, search
from tests.notifications.conftest import SmtpServer


def _invitation(message: EmailMessage) -> tuple[str, Any]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    return str(part.get_param("method")), event


def _by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    found = {}
    for message in messages:
        [address] = message["To"].addresses
        assert address.addr_spec not in found, f"two messages to {address.addr_spec}"
        found[address.addr_spec] = message
    return found


async def test_each_person_gets_their_own_invitation_and_only_affected_people_hear_of_changes(
    client: httpx.AsyncClient,
    world: dict[str, Any],
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    session = (
        await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    ).json()

    assert await send_due(delivery, clock.now()) == 5
    first = _by_recipient(smtp_server.received)
    assert set(first) == {
        "yusuf@example.com",
        "aino.virtanen@example.fi",
        "kalle.kela@example.fi",
        "veera.vero@example.fi",
        "amira.tulkki@example.fi",
    }
    links = {p["name"]: p["join_url"] for p in session["participants"]}
    links["Amira Tulkki"] = session["interpreter"]["join_url"]
    uid = f"{session['reference']}@luukku"
    for address, message in first.items():
        method, event = _invitation(message)
        assert (method, str(event["UID"]), int(str(event["SEQUENCE"]))) == ("REQUEST", uid, 0)
        own = (
            session["customer_join_url"]
            if address == "yusuf@example.com"
            else links[message["To"].addresses[0].display_name]
        )
        assert str(event["URL"]) == own
        others = {*links.values(), session["customer_join_url"]} - {own}
        assert not any(link in message.as_string() for link in others)

    # Replacing Kalle tells Kalle and his replacement, nobody else.
    kela = await Expert.select(Expert.agency).where(Expert.id == world["kalle"]).first()
    assert kela is not None
    await make_expert(kela["agency"], "Kaisa Kela")
    replaced = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/replace",
        json={"expert_id": world["kalle"]},
        headers=clerk,
    )
    assert replaced.status_code == 200
    assert await send_due(delivery, clock.now()) == 2
    second = _by_recipient(smtp_server.received[5:])
    assert set(second) == {"kalle.kela@example.fi", "kaisa.kela@example.fi"}
    assert _invitation(second["kalle.kela@example.fi"])[0] == "CANCEL"
    method, joined = _invitation(second["kaisa.kela@example.fi"])
    assert (method, str(joined["UID"]), int(str(joined["SEQUENCE"]))) == ("REQUEST", uid, 1)

    # Cancelling tells the customer and everyone taking part now.
    cancelled = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/cancel",
        json={"reason": "Asiakas sairastui"},
        headers=clerk,
    )
    assert cancelled.status_code == 200
    assert await send_due(delivery, clock.now()) == 5
    third = _by_recipient(smtp_server.received[7:])
    assert "kalle.kela@example.fi" not in third
    assert "kaisa.kela@example.fi" in third
    for message in third.values():
        method, event = _invitation(message)
        assert (method, str(event["UID"]), str(event["STATUS"])) == ("CANCEL", uid, "CANCELLED")
        assert int(str(event["SEQUENCE"])) == 2
