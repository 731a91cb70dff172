"""Delivery against a real SMTP server (aiosmtpd on loopback): each message once, in the
recipient's language, with an invitation whose UID is the feed's; faults and retries; time
from a controllable clock."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from icalendar import Calendar

from booking.feeds.contents import subscription_feed
from booking.feeds.tokens import issue_feed_token
from calendars.tables import Expert
from luukku.clock import FixedClock
from luukku.settings import Settings
from notifications.delivery import Delivery, send_due
from notifications.tables import OutboxMessage
from testdata.factories import booking_body, make_expert, staff_headers
from tests.notifications.conftest import SmtpServer, book

Client = httpx.AsyncClient
BOOKED = "2026-11-25T10:00:00+02:00"  # 2 days after the test clock's now


def _to(message: EmailMessage) -> str:
    return str(message["To"].addresses[0].addr_spec)


def _invitation(message: EmailMessage) -> tuple[str, Any]:
    """The text/calendar part's method parameter and its parsed VEVENT (one part only)."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert attachment.get_filename() == "invite.ics"
    part = list(alternative.iter_parts())[2]
    assert part.get_content_charset() == "utf-8"
    calendar = Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == part.get_param("method")
    assert Calendar.from_ical(attachment.get_content()).to_ical() == calendar.to_ical()
    [event] = calendar.walk("VEVENT")
    assert part.get_content().count("SEQUENCE:") == 1
    return str(calendar["METHOD"]), event


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


async def _feed_uids(expert: int, settings: Settings, clock: FixedClock) -> set[str]:
    token = await issue_feed_token(expert, clock.now(), settings)
    feed = Calendar.from_ical((await subscription_feed(token, clock.now(), settings)).body)
    return {str(event["UID"]) for event in feed.walk("VEVENT")}


async def test_booking_changes_arrive_once_each_as_invitations_with_the_feed_uid(
    client: Client,
    advisor: int,
    delivery: Delivery,
    smtp_server: SmtpServer,
    clock: FixedClock,
    settings: Settings,
):
    created, auth = await book(client, BOOKED, language="sv")
    assert await send_due(delivery, clock.now()) == 2
    notice, confirmation = sorted(smtp_server.received, key=_to)
    assert _to(confirmation) == "matti@example.com"
    assert confirmation["Subject"].startswith("Tidsbokningen är bekräftad")
    assert confirmation["Content-Language"] == "sv"
    method, event = _invitation(confirmation)
    assert method == "REQUEST"
    assert {str(event["UID"])} == await _feed_uids(advisor, settings, clock)
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:matti@example.com"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert str(event["ORGANIZER"]) == "mailto:luukku@luukku.test"
    assert str(event["URL"]) == created["video_url"]
    assert str(event["CONFERENCE"]) == created["video_url"]

    # The expert reads English (their staff language); business services are in copy.
    assert _to(notice) == "aino.virtanen@example.fi"
    assert notice["Subject"].startswith("New booking")
    assert notice["Cc"] == "yrityspalvelut@example.fi"
    assert _invitation(notice)[1]["UID"] == event["UID"]

    moved = await client.post(
        f"/api/v1/bookings/{created['reference']}/reschedule",
        json={"start": "2026-11-26T12:00:00+02:00"},
        headers=auth,
    )
    assert moved.status_code == 200
    assert await send_due(delivery, clock.now()) == 2
    update = next(m for m in smtp_server.received[2:] if _to(m) == "matti@example.com")
    method, changed = _invitation(update)
    assert (method, changed["UID"]) == ("REQUEST", event["UID"])
    assert int(changed["SEQUENCE"]) > int(event["SEQUENCE"])
    assert update["Subject"].startswith("Tidsbokningen har ändrats")

    cancelled = await client.post(
        f"/api/v1/bookings/{created['reference']}/cancel",
        json={"reason": "Asian hoitaa kirjanpitäjä"},
        headers=auth,
    )
    assert cancelled.status_code == 200
    assert await send_due(delivery, clock.now()) == 2
    cancel = next(m for m in smtp_server.received[4:] if _to(m) == "matti@example.com")
    method, gone = _invitation(cancel)
    assert (method, gone["UID"], str(gone["STATUS"])) == ("CANCEL", event["UID"], "CANCELLED")
    assert int(gone["SEQUENCE"]) > int(changed["SEQUENCE"])
    assert "Asian hoitaa kirjanpitäjä" in _text(cancel)

    # Nothing else, ever: the reminders and the feedback request went with the cancellation.
    clock.current += timedelta(days=10)
    assert await send_due(delivery, clock.now()) == 0
    assert len(smtp_server.received) == 6
    ids = [m["Message-ID"] for m in smtp_server.received]
    assert len(set(ids)) == 6


async def test_reminders_and_feedback_request_arrive_at_their_times_once(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    created, _ = await book(client, BOOKED, language="en")
    start = clock.now() + timedelta(days=2)
    assert await send_due(delivery, clock.now()) == 2
    clock.current = start - timedelta(hours=24, minutes=1)
    assert await send_due(delivery, clock.now()) == 0
    clock.current = start - timedelta(hours=24)
    assert await send_due(delivery, clock.now()) == 1
    assert smtp_server.received[-1]["Subject"].startswith("Reminder")
    assert smtp_server.received[-1].get_content_type() == "multipart/alternative"
    clock.current = start - timedelta(hours=2)
    assert await send_due(delivery, clock.now()) == 1
    # No feedback request until the expert marks the appointment completed.
    clock.current = start + timedelta(hours=2)
    assert await send_due(delivery, clock.now()) == 0
    marked = await client.post(
        f"/api/v1/staff/bookings/{created['reference']}/outcome",
        json={"outcome": "completed"},
        headers=await staff_headers(client, "aino.virtanen@example.fi"),
    )
    assert marked.status_code == 200, marked.text
    assert await send_due(delivery, clock.now()) == 1
    feedback = smtp_server.received[-1]
    assert feedback["Subject"].startswith("How did we do?")
    assert f"https://luukku.test/feedback/{created['reference']}/" in _text(feedback)
    assert await send_due(delivery, clock.now()) == 0
    assert len(smtp_server.received) == 5


async def test_after_downtime_a_reminder_before_its_appointment_goes_late_one_after_is_dropped(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    await book(client, BOOKED)
    start = clock.now() + timedelta(days=2)
    await send_due(delivery, clock.now())
    # Down from before the 24 h reminder until 30 minutes before the appointment.
    clock.current = start - timedelta(minutes=30)
    assert await send_due(delivery, clock.now()) == 2
    assert [m["Subject"].split(":")[0] for m in smtp_server.received[2:]] == ["Muistutus"] * 2

    await book(client, "2026-11-26T10:00:00+02:00")
    await send_due(delivery, clock.now())
    second_start = clock.now().replace(day=26, hour=8, minute=0)
    clock.current = second_start + timedelta(minutes=5)  # down until the appointment began
    sent_before = len(smtp_server.received)
    await send_due(delivery, clock.now())
    # No reminder of the second (and no feedback request of the first: not marked completed).
    assert smtp_server.received[sent_before:] == []
    dropped = await OutboxMessage.select().where(
        (OutboxMessage.kind == "reminder") & (OutboxMessage.status == "dropped")
    )
    assert [row["last_error"] for row in dropped] == ["appointment already started"] * 2


async def test_server_refusing_connections_then_recovering_delivers_each_once(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    smtp_server.stop()
    for hour in ("10:00", "11:00", "12:00"):
        await book(client, f"2026-11-25T{hour}:00+02:00")
    assert await send_due(delivery, clock.now()) == 0
    rows = await OutboxMessage.select().where(OutboxMessage.status == "pending")
    tried = [row for row in rows if row["attempts"]]
    # One attempt found the server down; the rest of the batch was not hammered.
    assert len(tried) == 1
    assert "cannot reach" in tried[0]["last_error"]
    clock.current += timedelta(minutes=1)
    assert await send_due(delivery, clock.now()) == 0

    smtp_server.start()
    clock.current += timedelta(minutes=5)
    assert await send_due(delivery, clock.now()) == 6
    assert await send_due(delivery, clock.now() + timedelta(minutes=5)) == 0
    ids = [m["Message-ID"] for m in smtp_server.received]
    assert len(ids) == len(set(ids)) == 6


async def test_451_then_250_delivers_once_after_a_backoff(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    smtp_server.handler.answers = ["451 4.3.0 Try again later"]
    await book(client, BOOKED)
    assert await send_due(delivery, clock.now()) == 1
    [waiting] = (
        await OutboxMessage.select()
        .where(OutboxMessage.status == "pending")
        .where(OutboxMessage.kind == "confirmation")
    )
    assert waiting["attempts"] == 1
    assert waiting["last_error"].startswith("SMTP 451")
    assert waiting["due_at"] == clock.now() + timedelta(seconds=30)
    assert await send_due(delivery, clock.now()) == 0  # not before the backoff
    clock.current += timedelta(seconds=30)
    assert await send_due(delivery, clock.now()) == 1
    confirmations = [m for m in smtp_server.received if _to(m) == "matti@example.com"]
    assert len(confirmations) == 1


async def test_550_marks_the_message_failed_visible_to_staff_without_retrying(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    smtp_server.handler.refuse_recipients["matti@example.com"] = "550 5.1.1 No such user"
    await book(client, BOOKED)
    assert await send_due(delivery, clock.now()) == 1  # the expert's notice
    [failed] = await OutboxMessage.select().where(OutboxMessage.status == "failed")
    assert (failed["kind"], failed["attempts"]) == ("confirmation", 1)
    assert failed["last_error"].startswith("SMTP 550")
    clock.current += timedelta(hours=3)
    assert await send_due(delivery, clock.now()) == 0
    assert (await OutboxMessage.select().where(OutboxMessage.id == failed["id"]))[0][
        "attempts"
    ] == 1

    # The expert sees it on the booking.
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "aino.virtanen@example.fi", "password": "correct horse battery"},
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    mine = await client.get(
        "/api/v1/staff/me/bookings",
        params={"start": "2026-11-25", "end": "2026-11-25"},
        headers=auth,
    )
    assert mine.status_code == 200, mine.text
    [problem] = mine.json()[0]["delivery_problems"]
    assert problem["kind"] == "confirmation"
    assert problem["recipient"] == "matti@example.com"
    assert problem["error"].startswith("SMTP 550")


async def test_newlines_in_names_cannot_add_headers(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    body = booking_body(BOOKED)
    body["customer"] = {
        **body["customer"],  # type: ignore[dict-item]
        "name": "Matti\r\nBcc: victim@example.org\r\nSubject: hacked",
    }
    response = await client.post("/api/v1/bookings", json=body)
    if response.status_code != 201:
        assert response.status_code in (400, 422)
        return
    await send_due(delivery, clock.now())
    for message in smtp_server.received:
        assert message["Bcc"] is None
        assert "hacked" not in str(message["Subject"])
    recipients = {rcpt for _, rcpts in smtp_server.handler.envelopes for rcpt in rcpts}
    assert "victim@example.org" not in recipients


async def test_moving_to_a_substitute_tells_customer_and_both_experts(
    client: Client, advisor: int, delivery: Delivery, smtp_server: SmtpServer, clock: FixedClock
):
    agency = (await Expert.select(Expert.agency).where(Expert.id == advisor))[0]["agency"]
    substitute = await make_expert(agency, "Mikko Korhonen")
    created, _ = await book(client, BOOKED)
    await send_due(delivery, clock.now())
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "aino.virtanen@example.fi", "password": "correct horse battery"},
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    absence = await client.post(
        "/api/v1/staff/me/absences",
        json={
            "start": "2026-11-25T00:00:00+02:00",
            "end": "2026-11-26T00:00:00+02:00",
            "substitute_id": substitute,
        },
        headers=auth,
    )
    assert absence.status_code == 201, absence.text
    moved = await client.post(
        f"/api/v1/staff/absences/{absence.json()['id']}/move-to-substitute", headers=auth
    )
    assert moved.json() == {"moved": [created["reference"]]}
    assert await send_due(delivery, clock.now()) == 3
    by_recipient = {_to(m): m for m in smtp_server.received[2:]}
    assert _invitation(by_recipient["mikko.korhonen@example.fi"])[0] == "REQUEST"
    assert _invitation(by_recipient["aino.virtanen@example.fi"])[0] == "CANCEL"
    method, event = _invitation(by_recipient["matti@example.com"])
    assert (method, int(event["SEQUENCE"])) == ("REQUEST", 1)
    assert "Mikko Korhonen" in _text(by_recipient["matti@example.com"])
