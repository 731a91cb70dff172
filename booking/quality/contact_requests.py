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
from booking.engine.working_time import service_hours_of
from booking.quality.key_customers import key_customer_manager
from booking.tables import ContactReply, ContactRequest, Service
from calendars.tables import Absence, Agency, Expert, StaffUser
from luukku.database import MAX_ROW_ID, write_transaction
from luukku.problems import Conflict, FieldError, InvalidInput, NotAllowed, NotFound
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import text
from security import audit
from staff.accounts import StaffMember

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
        agency = await Agency.select(Agency.id).where(Agency.slug == agency_slug).first()
        if agency is None:
            raise InvalidInput.field("agency", f"unknown agency {agency_slug!r}")
        if topic not in topics.get(agency["id"], set()):
            known = ", ".join(sorted(topics.get(agency["id"], set()))) or "none"
            raise InvalidInput.field("topic", f"not a topic of this agency (topics: {known})")
        return int(agency["id"])
    offering = sorted(agency_id for agency_id, names in topics.items() if topic in names)
    if not offering:
        known = ", ".join(sorted(set().union(*topics.values()))) if topics else "none"
        raise InvalidInput.field("topic", f"unknown topic (topics: {known})")
    return offering[0]


async def substitute_of(expert_id: int, now: datetime) -> int | None:
    """Who stands in for `expert_id` at `now`: the substitute of a current absence, if any."""
    row = (
        await Absence.select(Absence.substitute)
        .where(
            (Absence.expert == expert_id)
            & (Absence.starts_at <= now)
            & (Absence.ends_at > now)
            & Absence.substitute.is_not_null()
        )
        .first()
    )
    return None if row is None else int(row["substitute"])


async def route(agency_slug: str | None, topic: str, business_id: str, now: datetime) -> Route:
    """Where a new request goes: the company's key-customer manager at the agency, their
    substitute while they are away, or the agency's queue for the topic."""
    agency_id = await _agency_for(agency_slug, topic)
    manager = await key_customer_manager(agency_id, business_id)
    if manager is None:
        return Route(agency_id, None, "queue")
    substitute = await substitute_of(manager, now)
    if substitute is not None:
        return Route(agency_id, substitute, "substitute")
    return Route(agency_id, manager, "key_customer")


def _facts(view: ContactRequestView, language: str) -> tuple[tuple[str, str], ...]:
    return (
        (text(language, "label.contact_reference"), view.reference),
        (text(language, "label.topic"), view.topic),
        (text(language, "label.preferred_channel"), text(language, f"channel.{view.channel}")),
        (text(language, "label.due"), when_text(view.due_at, language)),
    )


def _signature(view: ContactRequestView, language: str) -> str:
    agency = view.agency_name.get(language) or view.agency_name["fi"]
    return text(language, "closing", agency=agency)


async def _experts(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = await Expert.select(Expert.id, Expert.name, Expert.email).where(
        Expert.id.is_in(ids or [0])
    )
    accounts = await StaffUser.select(StaffUser.expert, StaffUser.language).where(
        StaffUser.expert.is_in(ids or [0])
    )
    languages = {row["expert"]: row["language"] for row in accounts}
    return {row["id"]: {**row, "language": languages.get(row["id"], "fi")} for row in rows}


async def _tell_assignee(view: ContactRequestView, now: datetime) -> None:
    if view.expert_id is None:
        return
    expert = (await _experts([view.expert_id]))[view.expert_id]
    language = expert["language"]
    letter = Letter(
        subject=text(
            language, "contact_assigned.subject", topic=view.topic, reference=view.reference
        ),
        paragraphs=(
            text(language, "greeting", name=expert["name"]),
            text(language, "contact_assigned.intro", due=when_text(view.due_at, language)),
            f"{text(language, 'label.question')}:\n{view.question}",
        ),
        facts=(*_facts(view, language), (text(language, "label.customer"), view.customer.name)),
        signature="Luukku",
    )
    await record_letter(
        f"contact_assigned:{view.reference}:expert-{view.expert_id}",
        "contact_assigned",
        view.reference,
        Person(expert["name"], expert["email"], language),
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
            facts=_facts(view, language),
            signature=_signature(view, language),
        )
        await record_letter(
            f"contact_receipt:{view.reference}:customer",
            "contact_receipt",
            view.reference,
            Person(customer.name, customer.email, language),
            receipt,
            now,
        )
        await _tell_assignee(view, now)
    return view


_COLUMNS = (
    *ContactRequest.all_columns(),
    ContactRequest.agency.slug.as_alias("agency_slug"),
    ContactRequest.agency.name_fi.as_alias("agency_fi"),
    ContactRequest.agency.name_sv.as_alias("agency_sv"),
    ContactRequest.agency.name_en.as_alias("agency_en"),
    ContactRequest.expert.name.as_alias("expert_name"),
    ContactRequest.booking.reference.as_alias("booking_reference"),
)


def _view(row: dict[str, Any], replies: tuple[ReplyView, ...] = ()) -> ContactRequestView:
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
        await ContactRequest.select(*_COLUMNS).where(ContactRequest.reference == reference).first()
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
    return _view(
        row,
        tuple(
            ReplyView(reply["author"] or "", reply["body"], reply["channel"], reply["sent_at"])
            for reply in replies
        ),
    )


def _is_agency_admin(member: StaffMember, agency_id: int) -> bool:
    return member.has_role("admin") or (
        member.has_role("agency_admin") and member.agency_id == agency_id
    )


async def _my_topics(member: StaffMember) -> set[str]:
    if member.expert_id is None:
        return set()
    row = await Expert.select(Expert.topics).where(Expert.id == member.expert_id).first()
    return set(row["topics"]) if row else set()


def _sees(member: StaffMember, view: ContactRequestView, topics: set[str]) -> bool:
    """Admins of the agency see all its requests; an expert sees their own and their agency's
    queue of their topics."""
    if _is_agency_admin(member, view.agency_id):
        return True
    if member.expert_id is None:
        return False
    if view.expert_id == member.expert_id:
        return True
    return view.expert_id is None and member.agency_id == view.agency_id and view.topic in topics


async def visible(member: StaffMember, reference: str) -> ContactRequestView:
    """The request, when `member` may see it; 404 otherwise (not even that it exists)."""
    view = await get(reference)
    if not _sees(member, view, await _my_topics(member)):
        raise NotFound(f"No contact request {reference}.")
    return view


async def read_as(member: StaffMember, reference: str) -> ContactRequestView:
    """The request for `member` to read, recorded in the audit log (it is customer data)."""
    view = await visible(member, reference)
    await audit.record(audit.staff_actor(member), "view", f"contact-request:{reference}")
    return view


async def _changed(member: StaffMember, reference: str, what: str) -> None:
    await audit.record(audit.staff_actor(member), "change", f"contact-request:{reference}", what)


async def inbox(
    member: StaffMember, statuses: tuple[str, ...], now: datetime
) -> list[ContactRequestView]:
    """What `member` sees, overdue first, then by due time."""
    agencies = (
        None if member.has_role("admin") else ([member.agency_id] if member.agency_id else [])
    )
    query = ContactRequest.select(*_COLUMNS).where(ContactRequest.status.is_in(list(statuses)))
    if agencies is not None:
        if not agencies:
            return []
        query = query.where(ContactRequest.agency.is_in(agencies))
    topics = await _my_topics(member)
    views = [_view(row) for row in await query.order_by(ContactRequest.due_at)]
    return sorted(
        (view for view in views if _sees(member, view, topics)),
        key=lambda view: (not view.overdue(now), view.due_at),
    )


async def _changing(reference: str) -> dict[str, Any]:
    row = await ContactRequest.select().where(ContactRequest.reference == reference).first()
    if row is None:
        raise NotFound(f"No contact request {reference}.")
    return row


async def claim(member: StaffMember, reference: str, now: datetime) -> ContactRequestView:
    """An expert takes a request from their topic queue (or back from a colleague)."""
    view = await visible(member, reference)
    if member.expert_id is None or member.agency_id != view.agency_id:
        raise NotAllowed("Only an expert of the agency can take this request.")
    claimed = await _assign(view, member.expert_id, now)
    await _changed(member, reference, "claimed")
    return claimed


async def assign(
    member: StaffMember, reference: str, expert_id: int, now: datetime
) -> ContactRequestView:
    """Hand a request to an expert of its agency (the assignee, or the agency's admins)."""
    view = await visible(member, reference)
    if not (_is_agency_admin(member, view.agency_id) or view.expert_id == member.expert_id):
        raise NotAllowed("Only the assignee or an agency admin can hand this request on.")
    expert = (
        await Expert.select(Expert.agency, Expert.active).where(Expert.id == expert_id).first()
        if 1 <= expert_id <= MAX_ROW_ID
        else None
    )
    if expert is None or expert["agency"] != view.agency_id or not expert["active"]:
        raise InvalidInput.field("expert_id", "not an active expert of the request's agency")
    assigned = await _assign(view, expert_id, now)
    await _changed(member, reference, f"assigned to expert {expert_id}")
    return assigned


async def _assign(view: ContactRequestView, expert_id: int, now: datetime) -> ContactRequestView:
    if view.status != "open":
        raise Conflict(f"The request is {view.status} already.")
    async with write_transaction(ContactRequest._meta.db):
        await ContactRequest.update({ContactRequest.expert: expert_id}).where(
            ContactRequest.reference == view.reference
        )
        updated = await get(view.reference)
        await _tell_assignee(updated, now)
    return updated


async def reply(
    member: StaffMember, reference: str, body: str, channel: str, now: datetime
) -> ContactRequestView:
    """Answer the customer: by email from Luukku (sent through the outbox), or record an
    answer given by phone or in a video meeting. Either way logged, and the first answer stops
    the clock."""
    view = await visible(member, reference)
    if view.status not in ("open", "answered"):
        raise Conflict(f"The request is {view.status}.")
    body = body.strip()
    if not body:
        raise InvalidInput.field("message", "write the answer (or what was agreed)")
    if channel not in CHANNELS:
        raise InvalidInput.field("channel", f"use one of {', '.join(CHANNELS)}")
    async with write_transaction(ContactRequest._meta.db):
        row = await _changing(reference)
        reply_row = ContactReply(
            contact_request=row["id"], author=member.id, body=body, channel=channel, sent_at=now
        )
        await reply_row.save()
        await ContactRequest.update(
            {
                ContactRequest.status: "answered",
                ContactRequest.answered_at: row["answered_at"] or now,
                ContactRequest.answered_by: row["answered_by"] or member.id,
                ContactRequest.expert: row["expert"] or member.expert_id,
            }
        ).where(ContactRequest.id == row["id"])
        if channel == "email":
            language = view.language
            letter = Letter(
                subject=text(language, "contact_reply.subject", reference=view.reference),
                paragraphs=(text(language, "greeting", name=view.customer.name), body),
                facts=(
                    (text(language, "label.contact_reference"), view.reference),
                    (text(language, "label.question"), view.question),
                ),
                signature=f"{member.name}\n{_signature(view, language)}",
                reply_to=member.email,
            )
            await record_letter(
                f"contact_reply:{view.reference}:{reply_row.id}:customer",
                "contact_reply",
                view.reference,
                Person(view.customer.name, view.customer.email, language),
                letter,
                now,
            )
        await _changed(member, reference, f"answered ({channel})")
    return await get(reference)


async def close(member: StaffMember, reference: str) -> ContactRequestView:
    """Close a request that needs no answer (a duplicate, spam); only agency admins."""
    view = await visible(member, reference)
    if not _is_agency_admin(member, view.agency_id):
        raise NotAllowed("Only an agency admin can close a request without an answer.")
    await ContactRequest.update({ContactRequest.status: "closed"}).where(
        (ContactRequest.reference == reference) & (ContactRequest.status == "open")
    )
    await _changed(member, reference, "closed")
    return await get(reference)


async def link_booking(reference: str, booking_id: int, member: StaffMember, now: datetime) -> None:
    """Inside the booking's transaction: the request became this booking (an answer too)."""
    row = await _changing(reference)
    if row["status"] not in ("open", "answered"):
        raise Conflict(f"The request is {row['status']} already.")
    await ContactRequest.update(
        {
            ContactRequest.status: "converted",
            ContactRequest.booking: booking_id,
            ContactRequest.answered_at: row["answered_at"] or now,
            ContactRequest.answered_by: row["answered_by"] or member.id,
            ContactRequest.expert: row["expert"] or member.expert_id,
        }
    ).where(ContactRequest.id == row["id"])
    await _changed(member, reference, f"booked as booking {booking_id}")


async def escalate_due(now: datetime) -> int:
    """The periodic job: tell the agency admins of every open request that has reached 75 %
    of its time unanswered. A request is claimed by setting `escalated_at` only where it is
    still unset, so however many workers run, each request escalates once."""
    due = await ContactRequest.select(ContactRequest.id).where(
        (ContactRequest.status == "open")
        & ContactRequest.escalated_at.is_null()
        & ContactRequest.answered_at.is_null()
        & (ContactRequest.escalate_at <= now)
    )
    sent = 0
    for candidate in due:
        async with write_transaction(ContactRequest._meta.db):
            claimed = (
                await ContactRequest.update(
                    {ContactRequest.escalated_at: now}, use_auto_update=False
                )
                .where(
                    (ContactRequest.id == candidate["id"]) & ContactRequest.escalated_at.is_null()
                )
                .returning(ContactRequest.reference)
            )
            if not claimed:
                continue
            view = await get(claimed[0]["reference"])
            await _escalate(view, now)
            sent += 1
    return sent


async def _escalate(view: ContactRequestView, now: datetime) -> None:
    staff = await StaffUser.select(
        StaffUser.id, StaffUser.name, StaffUser.email, StaffUser.language, StaffUser.roles
    ).where((StaffUser.agency == view.agency_id) & (StaffUser.active == True))  # noqa: E712
    for admin in (member for member in staff if "agency_admin" in member["roles"]):
        language = admin["language"]
        letter = Letter(
            subject=text(
                language, "contact_escalation.subject", topic=view.topic, reference=view.reference
            ),
            paragraphs=(
                text(language, "greeting", name=admin["name"]),
                text(language, "contact_escalation.intro", due=when_text(view.due_at, language)),
                f"{text(language, 'label.question')}:\n{view.question}",
            ),
            facts=(
                *_facts(view, language),
                (
                    text(language, "label.assigned"),
                    view.expert_name or text(language, "label.queue"),
                ),
            ),
            signature="Luukku",
        )
        await record_letter(
            f"contact_escalation:{view.reference}:staff-{admin['id']}",
            "contact_escalation",
            view.reference,
            Person(admin["name"], admin["email"], language),
            letter,
            now,
        )
