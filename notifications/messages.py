"""Email messages from outbox rows: plain text, accessible HTML and, for a booking's
invitation or cancellation, the iTIP calendar object (RFC 6047).

The MIME tree of an invitation is multipart/mixed → [multipart/alternative → [text/plain,
text/html, text/calendar; method=...], invite.ics]; the `method` parameter is always the
calendar's own METHOD. Every header value goes through `email.headerregistry`, and names and
subjects are flattened to one line first, so no stored text can add a header.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from luukku.languages import babel_locale
from notifications.itip import Method, invitation
from notifications.outbox import BookingSnapshot, Kind, Person
from notifications.texts import greeting, text

_METHODS: dict[Kind, Method] = {
    Kind.CONFIRMATION: "REQUEST",
    Kind.NEW_BOOKING: "REQUEST",
    Kind.RESCHEDULE: "REQUEST",
    Kind.CANCELLATION: "CANCEL",
}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_WORD_JOINER = "\u2060"


class UndeliverableAddress(ValueError):
    """An address no server will take: a permanent failure without asking one."""


@dataclass(frozen=True, slots=True)
class Sender:
    """Who messages come from (MAIL_FROM) and where links point (PUBLIC_BASE_URL)."""

    name: str
    email: str
    public_base_url: str

    @classmethod
    def from_mail_from(cls, mail_from: str, public_base_url: str) -> Sender:
        name, email = parseaddr(mail_from)
        if "@" not in email:
            raise ValueError(f"MAIL_FROM must hold an address, not {mail_from!r}")
        return cls(name=one_line(name), email=email, public_base_url=public_base_url)

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An outbox row as the message needs it."""

    key: str
    kind: Kind
    recipient: Person
    copy_to: str
    created_at: datetime
    booking: BookingSnapshot


def one_line(value: str) -> str:
    """`value` without line breaks or control characters: safe in any header."""
    return " ".join(_CONTROLS.sub(" ", value).split())


def header_text(value: str) -> str:
    """`value` as header text that reads as itself: one line, and no RFC 2047 encoded word.

    Python's header parser (and every mail reader) decodes `=?charset?b?…?=` wherever it
    appears, so a customer named `=?utf-8?b?QmNjOi…?=` would become `Bcc: …` and a forged
    address group in `To:`. An invisible word joiner after each `=` of `=?` leaves the name
    as the customer typed it to the eye, and never an encoded word; Python then encodes the
    (now non-ASCII) text itself, so readers decode it back to exactly this text.
    """
    return one_line(value).replace("=?", f"={_WORD_JOINER}?")


def message_id(key: str, domain: str) -> str:
    """The Message-ID of the message with idempotency key `key`: a resent message carries
    the same one, so a duplicate is recognisable."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def address(name: str, email: str) -> Address:
    try:
        username, _, domain = email.rpartition("@")
        return Address(display_name=header_text(name), username=username, domain=domain)
    except (ValueError, IndexError) as exc:
        raise UndeliverableAddress(f"bad address {email!r}") from exc


def _audience(key: str) -> str:
    """`customer`, `expert` or `previous-expert`: the key names whom a message is for."""
    return key.split(":")[3]


def _facts(out: Outgoing) -> list[tuple[str, str]]:
    """Label and value lines of the message body."""
    booking, language = out.booking, out.recipient.language
    locale = babel_locale(language)
    zone = ZoneInfo(booking.timezone)
    start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
    when = (
        f"{format_date(start, 'full', locale=locale)} "
        f"{format_time(start, 'short', locale=locale, tzinfo=zone)}–"
        f"{format_time(end, 'short', locale=locale, tzinfo=zone)}"
    )
    facts = [
        (text(language, "label.when"), when),
        (text(language, "label.service"), _localized(booking.service_name, language)),
    ]
    if _audience(out.key) == "customer":
        facts.append((text(language, "label.expert"), booking.expert.name))
    else:
        facts.append((text(language, "label.customer"), booking.customer.name))
    facts.append((text(language, "label.channel"), text(language, f"channel.{booking.channel}")))
    if booking.video_url:
        video_label = "label.video_cancelled" if out.kind is Kind.CANCELLATION else "label.video"
        facts.append((text(language, video_label), booking.video_url))
    elif booking.location:
        facts.append((text(language, "label.location"), booking.location))
    facts.append((text(language, "label.reference"), booking.reference))
    if out.kind is Kind.CANCELLATION and booking.cancel_reason:
        facts.append((text(language, "label.reason"), booking.cancel_reason))
    return facts


def _localized(names: dict[str, str], language: str) -> str:
    return names.get(language) or names.get("fi", "")


def _short_when(booking: BookingSnapshot, language: str) -> str:
    start = booking.start.astimezone(ZoneInfo(booking.timezone))
    locale = babel_locale(language)
    return (
        # Numeric dates as Finns write them in every language (7.12.2026, not 07/12/2026).
        f"{format_date(start, 'd.M.y', locale=locale)} "
        f"{format_time(start, 'short', locale=locale, tzinfo=start.tzinfo)}"
    )


Link = tuple[str, str]
"""(text, address) of a link the message offers."""


def _plain(
    greeting: str, intro: str, facts: list[tuple[str, str]], links: list[Link], closing: str
) -> str:
    lines = [greeting, "", intro, ""]
    lines += [f"{label}: {one_line(value)}" for label, value in facts]
    for link_text, url in links:
        lines += ["", f"{link_text}:", url]
    return "\n".join([*lines, "", closing, ""])


def _html(
    language: str,
    subject: str,
    parts: tuple[str, str, list[tuple[str, str]], list[Link], str],
) -> str:
    greeting, intro, facts, links, closing = parts
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{_html_value(value)}</dd>" for label, value in facts
    )
    actions = "".join(
        f'<p><a href="{escape(url)}">{escape(link_text)}</a></p>' for link_text, url in links
    )
    closing_html = "<br>".join(escape(line) for line in closing.splitlines())
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">'
        f'<main><h1 style="font-size:20px">{escape(subject)}</h1>'
        f"<p>{escape(greeting)}</p><p>{escape(intro)}</p><dl>{rows}</dl>{actions}"
        f"<p>{closing_html}</p></main></body></html>"
    )


def _html_value(value: str) -> str:
    if value.startswith(("https://", "http://")):
        return f'<a href="{escape(value)}">{escape(value)}</a>'
    return escape(one_line(value))


def _links(out: Outgoing) -> list[Link]:
    """The links a message offers: a data request's one-time link; a feedback request's form;
    and in every message to the customer about a booking, its manage page."""
    booking, language = out.booking, out.recipient.language
    if out.kind is Kind.DATA_REQUEST:
        return [(text(language, "data_request.link"), booking.link)]
    links: list[Link] = []
    if out.kind is Kind.FEEDBACK_REQUEST and booking.feedback_url:
        links.append((text(language, "feedback_request.link"), booking.feedback_url))
    if _audience(out.key) == "customer" and booking.manage_url:
        manage = "manage.cancelled_link" if out.kind is Kind.CANCELLATION else "manage.link"
        links.append((text(language, manage), booking.manage_url))
    return links


def compose(out: Outgoing, sender: Sender, now: datetime) -> EmailMessage:
    """The message of one outbox row, ready for SMTP."""
    booking, language = out.booking, out.recipient.language
    agency = _localized(booking.agency_name, language)
    service = _localized(booking.service_name, language)
    subject = header_text(
        text(language, f"{out.kind}.subject", service=service, when=_short_when(booking, language))
    )
    links = _links(out)
    parts = (
        greeting(language, one_line(out.recipient.name)),
        text(language, f"{out.kind}.intro"),
        [] if out.kind is Kind.DATA_REQUEST else _facts(out),
        links,
        text(language, "closing", agency=agency),
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = address(sender.name or agency, sender.email)
    message["To"] = address(out.recipient.name, out.recipient.email)
    if out.copy_to:
        message["Cc"] = address("", out.copy_to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(out.key, sender.domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_plain(*parts))
    message.add_alternative(_html(language, subject, parts), subtype="html")
    method = _METHODS.get(out.kind)
    if method is not None:
        organizer = Person(name=sender.name or agency, email=sender.email, language=language)
        ics = invitation(
            method,
            booking,
            organizer,
            out.recipient,
            summary=f"{service} ({agency})",
            description=f"{text(language, 'label.reference')}: {booking.reference}",
            stamp=out.created_at,
        )
        message.add_alternative(ics, subtype="calendar", params={"method": method})
        message.add_attachment(
            ics.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    # Last: building the MIME tree moves content headers set earlier into the first part.
    message["Content-Language"] = language
    return message
