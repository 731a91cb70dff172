"""Escalation of contact requests: at 75 % of the answer time an unanswered request is
brought to its agency's admins, once, whatever number of workers run the job."""

from __future__ import annotations

from datetime import datetime

from booking.quality.contact_requests import ContactRequestView, facts_of, get, when_text
from booking.quality.tables import ContactRequest
from luukku.database import write_transaction
from notifications.letters import Letter, record_letter
from notifications.outbox import Person
from notifications.texts import text
from staff.accounts import agency_admins


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
    for admin in await agency_admins(view.agency_id):
        language = admin.language
        letter = Letter(
            subject=text(
                language, "contact_escalation.subject", topic=view.topic, reference=view.reference
            ),
            paragraphs=(
                text(language, "greeting", name=admin.name),
                text(language, "contact_escalation.intro", due=when_text(view.due_at, language)),
                f"{text(language, 'label.question')}:\n{view.question}",
            ),
            facts=(
                *facts_of(view, language),
                (
                    text(language, "label.assigned"),
                    view.expert_name or text(language, "label.queue"),
                ),
            ),
            signature="Luukku",
        )
        await record_letter(
            f"contact_escalation:{view.reference}:staff-{admin.id}",
            "contact_escalation",
            view.reference,
            Person(admin.name, admin.email, language),
            letter,
            now,
        )
