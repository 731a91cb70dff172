"""Staff handling contact requests: who sees which, the inbox, taking one, handing it on,
replying, closing, and linking the booking it became."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking.bookings.locking import locked
from booking.quality.contact_requests import (
    CHANNELS,
    VIEW_COLUMNS,
    ContactRequestView,
    get,
    signature,
    tell_assignee,
    view_of,
)
from booking.quality.tables import ContactReply, ContactRequest
from calendars.experts import expert_standing, expert_topics
from luukku.database import MAX_ROW_ID, write_transaction
from luukku.problems import Conflict, InvalidInput, NotAllowed, NotFound
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import text
from security import audit
from staff.accounts import StaffMember


def _is_agency_admin(member: StaffMember, agency_id: int) -> bool:
    return member.has_role("admin") or (
        member.has_role("agency_admin") and member.agency_id == agency_id
    )


async def _my_topics(member: StaffMember) -> set[str]:
    if member.expert_id is None:
        return set()
    return await expert_topics(member.expert_id)


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
    query = ContactRequest.select(*VIEW_COLUMNS).where(ContactRequest.status.is_in(list(statuses)))
    if agencies is not None:
        if not agencies:
            return []
        query = query.where(ContactRequest.agency.is_in(agencies))
    topics = await _my_topics(member)
    views = [view_of(row) for row in await query.order_by(ContactRequest.due_at)]
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
    expert = await expert_standing(expert_id) if 1 <= expert_id <= MAX_ROW_ID else None
    if expert is None or expert.agency_id != view.agency_id or not expert.active:
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
        await tell_assignee(updated, now)
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
                signature=f"{member.name}\n{signature(view, language)}",
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
    """Inside the booking's transaction: the request became this booking (an answer too).
    The request is locked and re-read (after the booking's locks, booking/bookings/locking.py),
    so of two conversions at once the second finds it converted and books nothing."""
    rows = await locked(ContactRequest.select().where(ContactRequest.reference == reference))
    if not rows:
        raise NotFound(f"No contact request {reference}.")
    row = rows[0]
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
