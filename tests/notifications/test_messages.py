"""Messages built from outbox rows: MIME tree, invitation, languages, header safety, retry
delays. Pure: no database, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from icalendar import Calendar

from notifications.delivery import RetryPolicy
from notifications.messages import Outgoing, Sender, compose, message_id
from notifications.outbox import BookingSnapshot, Kind, Person

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SENDER = Sender.from_mail_from("Luukku <luukku@luukku.test>", "https://luukku.test")
BOOKING = BookingSnapshot(
    reference="LK-ABCD-EFGH",
    sequence=2,
    status="cancelled",
    start=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    end=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    channel="in_person",
    video_url="",
    location="Kaupungintalo, 2. krs",
    service_name={"fi": "Rahoitusneuvonta", "sv": "Finansieringsrådgivning", "en": "Funding"},
    agency_name={"fi": "Elinkeinopalvelut", "sv": "Näringslivstjänster", "en": "Business"},
    customer=Person("Matti\r\nBcc: victim@example.org", "matti@example.com", "sv"),
    expert=Person("Aino Virtanen", "aino@example.fi", "fi"),
    cancel_reason="Sjuk",
)


def _compose(kind: Kind, recipient: Person, who: str = "customer") -> bytes:
    outgoing = Outgoing(f"{kind}:{BOOKING.reference}:2:{who}", kind, recipient, "", NOW, BOOKING)
    return compose(outgoing, SENDER, NOW).as_bytes(policy=policy.SMTP)


def test_a_newline_in_a_name_stays_inside_one_header():
    raw = _compose(Kind.CANCELLATION, BOOKING.customer)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["To"].addresses[0].addr_spec == "matti@example.com"


def test_cancellation_is_method_cancel_in_the_part_and_the_body_with_the_reason():
    parsed = message_from_bytes(
        _compose(Kind.CANCELLATION, BOOKING.customer), policy=policy.default
    )
    calendar_part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(calendar_part.get_content())
    [event] = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert (str(event["UID"]), event.get("SEQUENCE")) == ("LK-ABCD-EFGH@luukku", 2)
    assert str(event["LOCATION"]) == "Kaupungintalo, 2. krs"
    body = parsed.get_body(("plain",))
    assert body is not None
    assert "Orsak till avbokningen: Sjuk" in body.get_content()


def test_the_expert_reads_their_own_language_and_the_customer_s_name():
    parsed = message_from_bytes(
        _compose(Kind.NEW_BOOKING, BOOKING.expert, "expert"), policy=policy.default
    )
    assert parsed["Subject"].startswith("Uusi ajanvaraus: Rahoitusneuvonta")
    html = parsed.get_body(("html",))
    assert html is not None
    assert '<html lang="fi">' in html.get_content()
    assert "Asiakas" in html.get_content()


def test_message_id_comes_from_the_idempotency_key():
    assert message_id("reminder:LK-1:0:customer:120", "luukku.test") == message_id(
        "reminder:LK-1:0:customer:120", "luukku.test"
    )
    assert message_id("a", "x.test") != message_id("b", "x.test")


def test_retry_delays_double_up_to_the_cap_within_their_jitter():
    low, high = RetryPolicy(jitter=lambda: 0.0), RetryPolicy(jitter=lambda: 0.999999)
    assert low.delay(1) == timedelta(seconds=15)
    assert high.delay(1) <= timedelta(seconds=30)
    assert low.delay(3) == timedelta(seconds=60)
    assert low.delay(20) == timedelta(minutes=30)
    assert high.delay(20) <= timedelta(hours=1)


def test_a_message_without_a_name_greets_without_an_empty_name():
    nameless = Person("", "someone@example.com", "fi")
    outgoing = Outgoing("data_request:abc", Kind.DATA_REQUEST, nameless, "", NOW, BOOKING)
    body = compose(outgoing, SENDER, NOW).get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith("Hei,\n")
    assert "Hei ," not in body.get_content()
