"""Contact requests (yhteydenottopyyntö): a question without a time, answered within 24 working
hours of the agency.

Routing: a company with a key-customer manager at the agency reaches that manager (their
substitute while they are away); everyone else lands in the agency's queue for the topic,
where any expert of the topic claims it. The due time is computed on the agency's working
clock (`working_time`), and so is the escalation point at 75 % of it. Every change writes its
letters to the outbox in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from booking.bookings.customers import Customer
from booking.catalogue.key_customers import key_customer_manager
from booking.quality.service_hours import service_hours_of
from booking.quality.tables import ContactReply, ContactRequest
from booking.tables import Service
from calendars.directory import agency_id as agency_id_of
from calendars.experts import expert_contacts, substitute_at
from luukku.database import write_transaction
from luukku.problems import FieldError, InvalidInput, NotFound
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import text
from staff.accounts import staff_languages

ANSWER_WITHIN = timedelta(hours=24)
"""The city's promise: every contact answered within 24 working hours."""
ESCALATE_AFTER = ANSWER_WITHIN * 3 / 4
CHANNELS = ("email", "phone", "video")
STATUSES = ("open", "answered", "converted", "closed")
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """`YP-XXXX-XXXX`: 40 random bits in an alphabet without look-alike characters."""
    code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"YP-{code[:4]}-{code[4:]}"


@dataclass(frozen=True, slots=True)
class Route:
    agency_id: int
    expert_id: int | None
    routing: str
    """`key_customer`, `substitute` or `queue`."""


@dataclass(frozen=True, slots=True)
class ReplyView:
    author: str
    body: str
    channel: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class ContactRequestView:
    reference: str
    status: str
    routing: str
    agency_id: int
    agency_slug: str
    agency_name: dict[str, str]
    topic: str
    question: str
    channel: str
    language: str
    customer: Customer
    expert_id: int | None
    expert_name: str
    created_at: datetime
    due_at: datetime
    escalated_at: datetime | None
    answered_at: datetime | None
    booking_reference: str
    replies: tuple[ReplyView, ...] = ()

    def overdue(self, now: datetime) -> bool:
        return self.answered_at is None and self.status == "open" and now > self.due_at


def when_text(instant: datetime, language: str, zone: str = "Europe/Helsinki") -> str:
    """`instant` as a reader of `language` writes a date and time, local to `zone`."""
    return format_datetime(
        instant,
        "EEEE d.M.yyyy HH:mm" if language != "en" else "EEEE d MMMM yyyy HH:mm",
        tzinfo=ZoneInfo(zone),
        locale=_LOCALES.get(language, "fi_FI"),
    )


async def topics_by_agency() -> dict[int, set[str]]:
    """The topics of each agency's active services: what a contact request may be about."""
    rows = await Service.select(Service.agency, Service.topics).where(Service.active == True)  # noqa: E712
    topics: dict[int, set[str]] = {}
    for row in rows:
        topics.setdefault(row["agency"], set()).update(row["topics"])
    return topics


async def _agency_for(agency_slug: str | None, topic: str) -> int:
    topics = await topics_by_agency()
    if agency_slug is not None:
        try:
            agency = await agency_id_of(agency_slug)
        except NotFound as exc:
            raise InvalidInput.field("agency", f"unknown agency {agency_slug!r}") from exc
        if topic not in topics.get(agency, set()):
            known = ", ".join(sorted(topics.get(agency, set()))) or "none"
            raise InvalidInput.field("topic", f"not a topic of this agency (topics: {known})")
        return agency
    offering = sorted(agency_id for agency_id, names in topics.items() if topic in names)
    if not offering:
        known = ", ".join(sorted(set().union(*topics.values()))) if topics else "none"
        raise InvalidInput.field("topic", f"unknown topic (topics: {known})")
    return offering[0]


async def route(agency_slug: str | None, topic: str, business_id: str, now: datetime) -> Route:
    """Where a new request goes: the company's key-customer manager at the agency, their
    substitute while they are away, or the agency's queue for the topic."""
    agency_id = await _agency_for(agency_slug, topic)
    manager = await key_customer_manager(agency_id, business_id)
    if manager is None:
        return Route(agency_id, None, "queue")
    substitute = await substitute_at(manager, now)
    if substitute is not None:
        return Route(agency_id, substitute, "substitute")
    return Route(agency_id, manager, "key_customer")


def facts_of(view: ContactRequestView, language: str) -> tuple[tuple[str, str], ...]:
    return (
        (text(language, "label.contact_reference"), view.reference),
        (text(language, "label.topic"), view.topic),
        (text(language, "label.preferred_channel"), text(language, f"channel.{view.channel}")),
        (text(language, "label.due"), when_text(view.due_at, language)),
    )


def signature(view: ContactRequestView, language: str) -> str:
    agency = view.agency_name.get(language) or view.agency_name["fi"]
    return text(language, "closing", agency=agency)


async def tell_assignee(view: ContactRequestView, now: datetime) -> None:
    if view.expert_id is None:
        return
    expert = (await expert_contacts([view.expert_id]))[view.expert_id]
    language = (await staff_languages([view.expert_id])).get(view.expert_id, "fi")
    letter = Letter(
        subject=text(
            language, "contact_assigned.subject", topic=view.topic, reference=view.reference
        ),
        paragraphs=(
            text(language, "greeting", name=expert.name),
            text(language, "contact_assigned.intro", due=when_text(view.due_at, language)),
            f"{text(language, 'label.question')}:\n{view.question}",
        ),
        facts=(*facts_of(view, language), (text(language, "label.customer"), view.customer.name)),
        signature="Luukku",
    )
    await record_letter(
        f"contact_assigned:{view.reference}:expert-{view.expert_id}",
        "contact_assigned",
        view.reference,
        Person(expert.name, expert.email, language),
        letter,
        now,
    )


@dataclass(frozen=True, slots=True)
class NewContactRequest:
    agency: str | None
    topic: str
    question: str
    channel: str
    language: str
    customer: Customer
    privacy_notice_version: str


async def submit(new: NewContactRequest, now: datetime) -> ContactRequestView:
    """Record the request, routed, with its due time, the customer's receipt and (when it has
    one) the assignee's notice, in one transaction."""
    errors = []
    if new.channel not in CHANNELS:
        errors.append(FieldError("channel", f"use one of {', '.join(CHANNELS)}"))
    if not new.question.strip():
        errors.append(FieldError("question", "a question is required"))
    if errors:
        raise InvalidInput("The contact request has invalid fields.", errors)
    target = await route(new.agency, new.topic, new.customer.business_id, now)
    hours = (await service_hours_of([target.agency_id]))[target.agency_id]
    customer = new.customer
    async with write_transaction(ContactRequest._meta.db):
        row = ContactRequest(
            reference=new_reference(),
            agency=target.agency_id,
            topic=new.topic,
            question=new.question.strip(),
            channel=new.channel,
            language=new.language,
            customer_name=customer.name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            customer_company=customer.company,
            customer_business_id=customer.business_id,
            privacy_notice_version=new.privacy_notice_version,
            status="open",
            routing=target.routing,
            expert=target.expert_id,
            created_at=now,
            due_at=hours.add(now, ANSWER_WITHIN),
            escalate_at=hours.add(now, ESCALATE_AFTER),
        )
        await row.save()
        view = await get(row.reference)
        language = new.language
        receipt = Letter(
            subject=text(language, "contact_receipt.subject", reference=view.reference),
            paragraphs=(
                text(language, "greeting", name=customer.name),
                text(language, "contact_receipt.intro", due=when_text(view.due_at, language)),
                f"{text(language, 'label.question')}:\n{view.question}",
            ),
            facts=facts_of(view, language),
            signature=signature(view, language),
        )
        await record_letter(
            f"contact_receipt:{view.reference}:customer",
            "contact_receipt",
            view.reference,
            Person(customer.name, customer.email, language),
            receipt,
            now,
        )
        await tell_assignee(view, now)
    return view


VIEW_COLUMNS = (
    *ContactRequest.all_columns(),
    ContactRequest.agency.slug.as_alias("agency_slug"),
    ContactRequest.agency.name_fi.as_alias("agency_fi"),
    ContactRequest.agency.name_sv.as_alias("agency_sv"),
    ContactRequest.agency.name_en.as_alias("agency_en"),
    ContactRequest.expert.name.as_alias("expert_name"),
    ContactRequest.booking.reference.as_alias("booking_reference"),
)


def view_of(row: dict[str, Any], replies: tuple[ReplyView, ...] = ()) -> ContactRequestView:
    return ContactRequestView(
        reference=row["reference"],
        status=row["status"],
        routing=row["routing"],
        agency_id=row["agency"],
        agency_slug=row["agency_slug"],
        agency_name={"fi": row["agency_fi"], "sv": row["agency_sv"], "en": row["agency_en"]},
        topic=row["topic"],
        question=row["question"],
        channel=row["channel"],
        language=row["language"],
        customer=Customer(
            name=row["customer_name"],
            email=row["customer_email"],
            phone=row["customer_phone"],
            company=row["customer_company"],
            business_id=row["customer_business_id"],
            language=row["language"],
        ),
        expert_id=row["expert"],
        expert_name=row["expert_name"] or "",
        created_at=row["created_at"],
        due_at=row["due_at"],
        escalated_at=row["escalated_at"],
        answered_at=row["answered_at"],
        booking_reference=row["booking_reference"] or "",
        replies=replies,
    )


async def get(reference: str) -> ContactRequestView:
    row = (
        await ContactRequest.select(*VIEW_COLUMNS)
        .where(ContactRequest.reference == reference)
        .first()
    )
    if row is None:
        raise NotFound(f"No contact request {reference}.")
    replies = (
        await ContactReply.select(
            ContactReply.author.name.as_alias("author"),
            ContactReply.body,
            ContactReply.channel,
            ContactReply.sent_at,
        )
        .where(ContactReply.contact_request == row["id"])
        .order_by(ContactReply.sent_at)
    )
    return view_of(
        row,
        tuple(
            ReplyView(reply["author"] or "", reply["body"], reply["channel"], reply["sent_at"])
            for reply in replies
        ),
    )
