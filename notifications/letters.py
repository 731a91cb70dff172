"""Letters: messages that are not about a booking's time (a contact request's receipt, a
staff reply, an escalation), written in their recipient's language when they are recorded.

They travel through the same outbox, in the same transaction as the change that causes them,
and the same worker sends them; the payload holds the finished words. Every header value goes
through `email.headerregistry` after `one_line`, and the HTML part escapes every text, so no
customer- or staff-written text can add a header or markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from notifications.messages import Sender, address, header_text, message_id, one_line
from notifications.outbox import Person
from notifications.tables import OutboxMessage

LETTER_KINDS = frozenset(
    {
        "contact_receipt",
        "contact_assigned",
        "contact_reply",
        "contact_escalation",
        "login_warning",
        "waitlist_joined",
        "waitlist_offer",
    }
)


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    paragraphs: tuple[str, ...]
    """Plain text; a paragraph may hold line breaks (a staff reply keeps its own)."""
    facts: tuple[tuple[str, str], ...] = ()
    link: str = ""
    link_text: str = ""
    signature: str = ""
    reply_to: str = ""
    """Where the customer's answer goes: the staff member who wrote, not the robot address."""
    copy_to: str = ""
    """A Cc address: the agency's business services on a staff letter about a company."""

    def to_json(self) -> str:
        return json.dumps(
            {
                "letter": {
                    "subject": self.subject,
                    "paragraphs": list(self.paragraphs),
                    "facts": [list(fact) for fact in self.facts],
                    "link": self.link,
                    "link_text": self.link_text,
                    "signature": self.signature,
                    "reply_to": self.reply_to,
                    "copy_to": self.copy_to,
                }
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Letter:
        data = json.loads(text)["letter"]
        return cls(
            subject=data["subject"],
            paragraphs=tuple(data["paragraphs"]),
            facts=tuple((label, value) for label, value in data["facts"]),
            link=data["link"],
            link_text=data["link_text"],
            signature=data["signature"],
            reply_to=data["reply_to"],
            copy_to=data.get("copy_to", ""),
        )


async def record_letter(
    key: str, kind: str, reference: str, recipient: Person, letter: Letter, now: datetime
) -> bool:
    """Inside the causing change's transaction: add the letter unless `key` was recorded
    before. Answers whether it was added."""
    assert kind in LETTER_KINDS, kind
    if await OutboxMessage.exists().where(OutboxMessage.idempotency_key == key):
        return False
    await OutboxMessage.insert(
        OutboxMessage(
            idempotency_key=key,
            kind=kind,
            booking_reference=reference,
            recipient=recipient.email,
            recipient_name=recipient.name,
            copy_to=letter.copy_to,
            language=recipient.language,
            due_at=now,
            status="pending",
            created_at=now,
            payload=letter.to_json(),
        )
    )
    return True


def _plain(letter: Letter) -> str:
    lines: list[str] = []
    for paragraph in letter.paragraphs:
        lines += [paragraph, ""]
    lines += [f"{label}: {one_line(value)}" for label, value in letter.facts]
    if letter.link:
        # The link's words, then the address: a plain-text reader sees what the link does.
        lines += ["", *([f"{letter.link_text}:"] if letter.link_text else []), letter.link]
    return "\n".join([*lines, "", letter.signature, ""])


def _html(language: str, letter: Letter) -> str:
    paragraphs = "".join(
        "<p>" + "<br>".join(escape(line) for line in paragraph.splitlines()) + "</p>"
        for paragraph in letter.paragraphs
    )
    facts = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(one_line(value))}</dd>"
        for label, value in letter.facts
    )
    action = (
        f'<p><a href="{escape(letter.link)}">{escape(letter.link_text or letter.link)}</a></p>'
        if letter.link
        else ""
    )
    signature = "<br>".join(escape(line) for line in letter.signature.splitlines())
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(letter.subject)}</title></head>"
        f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">'
        f'<main><h1 style="font-size:20px">{escape(letter.subject)}</h1>{paragraphs}'
        f"{f'<dl>{facts}</dl>' if facts else ''}{action}<p>{signature}</p></main></body></html>"
    )


def compose_letter(
    key: str, recipient: Person, letter: Letter, sender: Sender, now: datetime
) -> EmailMessage:
    """The email of one letter row, ready for SMTP."""
    message = EmailMessage()
    message["Subject"] = header_text(letter.subject)
    message["From"] = address(sender.name or "Luukku", sender.email)
    message["To"] = address(recipient.name, recipient.email)
    if letter.copy_to:
        message["Cc"] = address("", letter.copy_to)
    if letter.reply_to:
        message["Reply-To"] = address("", letter.reply_to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key, sender.domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_plain(letter))
    message.add_alternative(_html(recipient.language, letter), subtype="html")
    message["Content-Language"] = recipient.language
    return message
