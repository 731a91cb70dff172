"""Joint remote sessions over HTTP: search, all-or-nothing booking, cancelling and join links."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import icalendar
import jwt
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from app import create_app
from booking.joint.tables import JointSession
from booking.tables import Reservation
from calendars.tables import Expert
from luukku.clock import FixedClock
from luukku.settings import Settings
from testdata.factories import (
    booking_body,
    make_expert,
    staff_headers,
)
from tests.joint_world import DAY, NINE, SEARCH, book_body, search, search_body


async def test_search_proposes_a_room_one_expert_per_agency_and_an_interpreter(client, world):
    clerk = await staff_headers(client, "clerk@example.fi")
    slots = await search(client, clerk)
    # The point opens 09-15, the experts work 09-16: hour-long sessions from 09:00 to 14:00.
    assert [s["start"] for s in slots][:2] == [NINE, "2026-12-01T09:30:00+02:00"]
    assert slots[-1]["start"] == "2026-12-01T14:00:00+02:00"
    assert slots[0]["end"] == "2026-12-01T10:00:00+02:00"
    assert slots[0]["room"] == "etahuone"
    assert slots[0]["participants"] == [
        {"expert_id": world["aino"], "agency": "city-business"},
        {"expert_id": world["kalle"], "agency": "kela"},
        {"expert_id": world["veera"], "agency": "vero"},
    ]
    assert slots[0]["interpreter_id"] == world["amira"]
    no_interpreter = await search(client, clerk, interpreter_language="so")
    assert no_interpreter == []


async def test_a_busy_participant_removes_those_times(client, world):
    clerk = await staff_headers(client, "clerk@example.fi")
    ordinary = await client.post("/api/v1/bookings", json=booking_body("2026-12-01T10:00:00+02:00"))
    assert ordinary.status_code == 201
    starts = [s["start"][11:16] for s in await search(client, clerk)]
    assert "09:00" in starts
    assert not {"09:30", "10:00", "10:30"} & set(starts)
    assert "11:00" in starts


async def test_booking_reserves_everyone_and_blocks_their_ordinary_slots(client, world):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    response = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    assert response.status_code == 201, response.text
    session = response.json()
    assert session["reference"].startswith("LK-")
    assert session["start"] == NINE
    assert [p["expert_id"] for p in session["participants"]] == [
        world["aino"],
        world["kalle"],
        world["veera"],
    ]
    assert session["interpreter"]["expert_id"] == world["amira"]
    held = {r["resource"] for r in await Reservation.select(Reservation.resource)}
    assert held == {
        f"room:{world['room']}",
        *(f"expert:{world[name]}" for name in ("aino", "kalle", "veera", "amira")),
    }
    ordinary = await client.get(
        "/api/v1/services/funding-advice/slots", params={"start": DAY, "end": DAY}
    )
    assert "2026-12-01T09:00:00+02:00" not in [s["start"] for s in ordinary.json()["slots"]]
    refused = await client.post("/api/v1/bookings", json=booking_body(NINE))
    assert refused.status_code == 409

    again = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    assert again.status_code == 409
    assert {e["field"] for e in again.json()["errors"]} == {
        "room",
        "participants.0.expert_id",
        "participants.1.expert_id",
        "participants.2.expert_id",
        "interpreter_id",
    }


async def test_an_expert_taken_meanwhile_fails_the_whole_session_and_reserves_nothing(
    client, world
):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    ordinary = await client.post("/api/v1/bookings", json=booking_body(NINE))
    assert ordinary.status_code == 201
    before = await Reservation.count()

    response = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": "participants.0.expert_id", "message": "Aino Virtanen is not free then"}
    ]
    assert "Aino Virtanen" in response.json()["detail"]
    assert await Reservation.count() == before
    assert await JointSession.count() == 0


async def test_racing_joint_and_ordinary_bookings_never_both_win(client, world, clock):
    clerk = await staff_headers(client, "clerk@example.fi")
    slots = await search(client, clerk, start="2026-12-02", end="2026-12-04")
    for slot in slots[::2][:6]:  # an hour apart: each race is independent
        joint, ordinary = await asyncio.gather(
            client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk),
            client.post("/api/v1/bookings", json=booking_body(slot["start"])),
        )
        assert sorted([joint.status_code, ordinary.status_code]) == [201, 409], (
            joint.text,
            ordinary.text,
        )
    aino = f"expert:{world['aino']}"
    rows = (
        await Reservation.select()
        .where(Reservation.resource == aino)
        .order_by(Reservation.starts_at)
    )
    for first, second in itertools.pairwise(rows):
        assert first["ends_at"] <= second["starts_at"]


async def test_clerks_arrange_only_their_own_points_sessions(client, world):
    other = await staff_headers(client, "other-clerk@example.fi")
    expert = await staff_headers(client, "aino@example.fi")
    admin = await staff_headers(client, "admin@example.fi")
    assert (await client.post(SEARCH, json=search_body())).status_code == 401
    assert (await client.post(SEARCH, json=search_body(), headers=expert)).status_code == 403
    assert (await client.post(SEARCH, json=search_body(), headers=other)).status_code == 403
    assert (await client.post(SEARCH, json=search_body(), headers=admin)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"agencies": ["city-business", "nobody"]}, 404, "agencies.1"),
        ({"service_point": "nowhere"}, 404, "service_point"),
        ({"room": "broom-cupboard"}, 404, "room"),
        ({"experts": [999_999]}, 404, "experts.0"),
        ({"duration_minutes": 5}, 400, "duration_minutes"),
        ({"interpreter_language": "x\nBEGIN"}, 400, "interpreter_language"),
        ({"start": "2026-12-05", "end": "2026-12-01"}, 422, "end"),
        ({"agencies": []}, 400, "agencies"),
    ],
)
async def test_bad_search_input_names_the_field(client, world, overrides, status, field):
    clerk = await staff_headers(client, "clerk@example.fi")
    response = await client.post(SEARCH, json=search_body(**overrides), headers=clerk)
    assert response.status_code == status, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_cancelling_frees_everyone_and_refuses_the_links(client, world, clock):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    session = (
        await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    ).json()
    link = urlsplit(session["customer_join_url"]).path
    clock.current = datetime(2026, 12, 1, 6, 50, tzinfo=UTC)  # 08:50 Helsinki: open
    assert (await client.get(link)).status_code == 303
    clock.current = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    cancelled = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/cancel",
        json={"reason": "Asiakas sairastui"},
        headers=clerk,
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert await Reservation.count() == 0
    clock.current = datetime(2026, 12, 1, 6, 50, tzinfo=UTC)
    gone = await client.get(link)
    assert gone.status_code == 410
    assert gone.json()["detail"] == "This meeting was cancelled."
    assert (await search(client, clerk))[0]["start"] == NINE  # offered again


@pytest.fixture
def jitsi(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        jitsi_domain="meet.example.fi",
        jitsi_app_id="luukku-app",
        jitsi_app_secret="a-jitsi-secret-that-is-long-enough-for-hs256",
    )


@pytest.fixture
def jitsi_app(jitsi: Settings, clock: FixedClock, engine: Engine, db: None) -> Litestar:  # type: ignore[type-arg]
    return create_app(jitsi, clock=clock, engine=engine)


async def test_every_join_link_is_a_jitsi_token_for_that_room_and_time(
    jitsi_app: Litestar,  # type: ignore[type-arg]
    jitsi: Settings,
    clock: FixedClock,
    world: dict[str, Any],
):
    transport = httpx.ASGITransport(app=jitsi_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://luukku.test") as client:
        clerk = await staff_headers(client, "clerk@example.fi")
        [slot, *_] = await search(client, clerk)
        session = (
            await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
        ).json()
        links = {p["expert_id"]: p["join_url"] for p in session["participants"]}
        links[session["interpreter"]["expert_id"]] = session["interpreter"]["join_url"]
        links[0] = session["customer_join_url"]
        [room] = {row["video_room"] for row in await JointSession.select(JointSession.video_room)}
        start = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
        for person, url in links.items():
            token = url.rsplit("/join/", 1)[1]
            header = jwt.get_unverified_header(token)
            assert header == {"alg": "HS256", "typ": "JWT"}
            claims = jwt.decode(
                token,
                jitsi.jitsi_app_secret,
                algorithms=["HS256"],
                audience="jitsi",
                options={"verify_exp": False, "verify_nbf": False},
            )
            user = claims["context"]["user"]
            staff = person != 0
            assert claims["iss"] == "luukku-app"
            assert claims["sub"] == "meet.example.fi"
            assert claims["room"] == room != "*"
            assert claims["nbf"] == int((start - timedelta(minutes=15)).timestamp())
            assert claims["exp"] == int((start + timedelta(minutes=90)).timestamp())
            assert user["id"] == (f"expert-{person}" if staff else "customer")
            assert isinstance(user["name"], str)
            assert isinstance(user["email"], str)
            assert user["moderator"] == ("true" if staff else "false")
            assert user["lobby_bypass"] is staff

            path = urlsplit(url).path
            clock.current = start - timedelta(minutes=16)
            early = await client.get(path)
            assert early.status_code == 403
            clock.current = start - timedelta(minutes=15)
            opened = await client.get(path)
            assert opened.status_code == 303
            assert opened.headers["location"] == f"https://meet.example.fi/{room}?jwt={token}"
            clock.current = start + timedelta(minutes=91)
            assert (await client.get(path)).status_code == 410

        # A token for another room, or signed with another key, opens nothing.
        forged = jwt.encode(
            claims | {"room": "luukku-somewhere-else"},
            jitsi.jitsi_app_secret,
            algorithm="HS256",
            headers={"typ": "JWT"},
        )
        clock.current = start
        assert (await client.get(f"/join/{forged}")).status_code == 404
        wrong_key = jwt.encode(claims, "another-secret-of-enough-length-123", algorithm="HS256")
        assert (await client.get(f"/join/{wrong_key}")).status_code == 404
        assert (await client.get("/join/not-a-token")).status_code == 404


async def test_without_jitsi_the_link_leads_to_the_plain_room(client, world, clock, settings):
    clerk = await staff_headers(client, "clerk@example.fi")
    [slot, *_] = await search(client, clerk)
    session = (
        await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    ).json()
    [room] = {row["video_room"] for row in await JointSession.select(JointSession.video_room)}
    clock.current = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    opened = await client.get(urlsplit(session["participants"][0]["join_url"]).path)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"{settings.video_base_url}/{room}"
    assert len(room) >= len("luukku-") + 24


async def test_participants_see_the_session_in_their_schedule_and_feed(client, world):
    clerk = await staff_headers(client, "clerk@example.fi")
    aino = await staff_headers(client, "aino@example.fi")
    [slot, *_] = await search(client, clerk)
    session = (
        await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    ).json()

    schedule = await client.get(
        "/api/v1/staff/me/bookings", params={"start": DAY, "end": DAY}, headers=aino
    )
    [entry] = schedule.json()
    assert entry["kind"] == "joint_session"
    assert entry["reference"] == session["reference"]
    assert entry["customer"]["name"] == "Yusuf Ali"
    assert entry["customer"]["email"] is None
    part = entry["joint_session"]
    assert part["matter"].startswith("Starttiraha")
    assert [p["name"] for p in part["participants"]] == [
        "Aino Virtanen",
        "Kalle Kela",
        "Veera Vero",
    ]
    assert part["join_url"] == session["participants"][0]["join_url"]
    assert session["participants"][1]["join_url"] not in schedule.text

    feed_url = (await client.get("/api/v1/staff/me/feed", headers=aino)).json()["url"]
    feed_path = urlsplit(feed_url).path
    first = await client.get(feed_path)
    calendar = icalendar.Calendar.from_ical(first.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{session['reference']}@luukku"
    assert str(event["SUMMARY"]) == "Yhteinen etäasiointi – Yusuf"
    assert session["participants"][0]["join_url"] in str(event["DESCRIPTION"])
    assert event["STATUS"] == "CONFIRMED"
    assert int(str(event["SEQUENCE"])) == 0

    await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/cancel", json={}, headers=clerk
    )
    again = await client.get(feed_path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    [cancelled] = icalendar.Calendar.from_ical(again.content).walk("VEVENT")
    assert cancelled["STATUS"] == "CANCELLED"
    assert int(str(cancelled["SEQUENCE"])) == 1


async def _booked(client: httpx.AsyncClient, clerk: dict[str, str]) -> dict[str, Any]:
    [slot, *_] = await search(client, clerk)
    response = await client.post("/api/v1/joint-sessions", json=book_body(slot), headers=clerk)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _held() -> dict[str, tuple[int, datetime]]:
    rows = await Reservation.select(Reservation.id, Reservation.resource, Reservation.starts_at)
    return {row["resource"]: (row["id"], row["starts_at"]) for row in rows}


async def test_replacing_one_participant_keeps_the_others_reservations(client, world):
    clerk = await staff_headers(client, "clerk@example.fi")
    kela = await Expert.select(Expert.agency).where(Expert.id == world["kalle"]).first()
    assert kela is not None
    kaisa = await make_expert(kela["agency"], "Kaisa Kela")
    session = await _booked(client, clerk)
    before = await _held()

    replaced = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/replace",
        json={"expert_id": world["kalle"]},
        headers=clerk,
    )

    assert replaced.status_code == 200, replaced.text
    assert [p["expert_id"] for p in replaced.json()["participants"]] == [
        world["aino"],
        kaisa,
        world["veera"],
    ]
    after = await _held()
    assert f"expert:{world['kalle']}" not in after
    assert after[f"expert:{kaisa}"][1] == before[f"expert:{world['kalle']}"][1]
    for kept in ("aino", "veera", "amira"):
        assert after[f"expert:{world[kept]}"] == before[f"expert:{world[kept]}"]
    assert after[f"room:{world['room']}"] == before[f"room:{world['room']}"]
    [row] = await JointSession.select(JointSession.sequence)
    assert row["sequence"] == 1

    nobody = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/replace",
        json={"expert_id": world["veera"]},
        headers=clerk,
    )
    assert nobody.status_code == 409  # Vero has nobody else
    assert await _held() == after


async def test_moving_the_session_moves_everyone_or_nobody(client, world, clock):
    clerk = await staff_headers(client, "clerk@example.fi")
    session = await _booked(client, clerk)
    old_link = urlsplit(session["customer_join_url"]).path
    blocked = await client.post("/api/v1/bookings", json=booking_body("2026-12-02T11:00:00+02:00"))
    assert blocked.status_code == 201
    before = await _held()

    refused = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/reschedule",
        json={"start": "2026-12-02T11:00:00+02:00"},
        headers=clerk,
    )
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["participants.0.expert_id"]
    assert await _held() == before

    moved = await client.post(
        f"/api/v1/joint-sessions/{session['reference']}/reschedule",
        json={"start": "2026-12-02T13:00:00+02:00"},
        headers=clerk,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == "2026-12-02T13:00:00+02:00"
    assert moved.json()["end"] == "2026-12-02T14:00:00+02:00"
    starts = {
        resource: start for resource, (_, start) in (await _held()).items() if "expert:" in resource
    }
    new_start = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    assert starts[f"expert:{world['kalle']}"] == new_start
    assert starts[f"expert:{world['amira']}"] == new_start

    clock.current = datetime(2026, 12, 1, 6, 50, tzinfo=UTC)
    assert (await client.get(old_link)).status_code == 410
    clock.current = datetime(2026, 12, 2, 10, 50, tzinfo=UTC)
    new_link = urlsplit(moved.json()["customer_join_url"]).path
    assert (await client.get(new_link)).status_code == 303
